{{! limg Dockerfile template: TypeScript compiled by the project's "build" script into dist/. Syntax: src/dockerfile/template.ts. }}
ARG BASE_IMAGE={{baseImage}}
FROM ${BASE_IMAGE} AS build
{{#if caCertPath}}
# The certificate authority reaches the install steps only; the final stage starts afresh.
COPY {{caCertPath}} /tmp/limg-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem
{{/if}}
COPY package.json package-lock.json ./
RUN npm ci
COPY . ./
RUN npm run build

FROM ${BASE_IMAGE} AS deps
{{#if caCertPath}}
COPY {{caCertPath}} /tmp/limg-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem
{{/if}}
COPY package.json package-lock.json ./
# npm 6 removes node_modules and creates none for a project without dependencies; the final stage copies it regardless.
RUN {{productionInstall}} && mkdir -p node_modules

FROM ${BASE_IMAGE}
# Only production dependencies, the compiled code (dist/ becomes the task root) and package.json.
COPY --from=deps /var/task/node_modules ./node_modules
COPY --from=build /var/task/dist ./
COPY package.json ./
CMD ["{{handler}}"]
