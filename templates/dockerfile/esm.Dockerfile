{{! limg Dockerfile template: ES module handler (.mjs, or .js with "type": "module"). Syntax: src/dockerfile/template.ts. }}
ARG BASE_IMAGE={{baseImage}}
FROM ${BASE_IMAGE} AS deps
{{#if caCertPath}}
# The certificate authority reaches the install step only; the final stage starts afresh.
COPY {{caCertPath}} /tmp/limg-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem
{{/if}}
COPY package.json package-lock.json ./
# npm 6 removes node_modules and creates none for a project without dependencies; the final stage copies it regardless.
RUN {{productionInstall}} && mkdir -p node_modules
{{#if caCertPath}}

FROM ${BASE_IMAGE} AS code
COPY . ./
RUN rm -f {{caCertPath}}
{{/if}}

FROM ${BASE_IMAGE}
# Dependencies first: a change to the code alone reuses this layer.
COPY --from=deps /var/task/node_modules ./node_modules
{{#if caCertPath}}
COPY --from=code /var/task ./
{{/if}}
{{#unless caCertPath}}
COPY . ./
{{/unless}}
CMD ["{{handler}}"]
