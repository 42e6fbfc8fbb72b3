{{! limg's Dockerfile for a Lambda Node.js function, rendered for its install, build and handler. Syntax: src/template/template.ts. }}
ARG BASE_IMAGE={{baseImage}}
{{#if install}}
FROM ${BASE_IMAGE} AS deps
{{#if caCertPath}}
# The certificate authority reaches the install steps only; the final stage starts afresh.
COPY {{caCertPath}} /tmp/limg-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem
{{/if}}
{{#if setupCommand}}
RUN {{setupCommand}}
{{/if}}
{{#if installConfigDir}}
# Registry settings (.npmrc and the like) for the install; no stage the image copies from keeps them.
COPY {{installConfigDir}} ./
{{/if}}
{{#if releaseDir}}
COPY {{releaseDir}} ./{{releaseDir}}
{{/if}}
{{#if pluginsDir}}
COPY {{pluginsDir}} ./{{pluginsDir}}
{{/if}}
COPY {{installFiles}} ./
# npm 6 removes node_modules and creates none for a project without dependencies; the final stage copies it regardless.
RUN {{productionInstall}} && mkdir -p node_modules
{{/if}}
{{#if build}}

FROM ${BASE_IMAGE} AS build
{{#if caCertPath}}
COPY {{caCertPath}} /tmp/limg-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem
{{/if}}
{{#if setupCommand}}
RUN {{setupCommand}}
{{/if}}
{{#if installConfigDir}}
COPY {{installConfigDir}} ./
{{/if}}
{{#if releaseDir}}
COPY {{releaseDir}} ./{{releaseDir}}
{{/if}}
{{#if pluginsDir}}
COPY {{pluginsDir}} ./{{pluginsDir}}
{{/if}}
COPY {{installFiles}} ./
RUN {{fullInstall}}
COPY . ./
RUN {{buildCommand}}
{{/if}}
{{#if codeStage}}

FROM ${BASE_IMAGE} AS code
COPY . ./
RUN rm -rf {{cleanupPaths}}
{{/if}}

FROM ${BASE_IMAGE}
{{#if install}}
# Dependencies first: a change to the code alone reuses this layer.
COPY --from=deps /var/task/node_modules ./node_modules
{{/if}}
{{#if build}}
# Only production dependencies, the compiled code ({{outDir}}/ becomes the task root) and package.json.
COPY --from=build /var/task/{{outDir}} ./
COPY package.json ./
{{/if}}
{{#if codeStage}}
COPY --from=code /var/task ./
{{/if}}
{{#if plainCopy}}
COPY . ./
{{/if}}
CMD ["{{handler}}"]
