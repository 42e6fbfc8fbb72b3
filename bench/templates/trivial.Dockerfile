# The context case's build: one small COPY, so the time is the context and the engine's overhead.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY index.mjs ./
CMD ["index.handler"]
