# The single-stage pattern of AWS SAM's Node.js image template (hello-world, package type Image):
# the handler and package files copied together, then the install.
# Only the certificate authority lines are added, so the install can pass this machine's TLS proxy.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY .bench-ca.pem /tmp/bench-ca.pem
ENV NODE_EXTRA_CA_CERTS=/tmp/bench-ca.pem
COPY index.mjs package*.json ./
RUN npm install
CMD ["index.handler"]
