/**
 * Dockerfiles for Lambda container images: rendering from templates/, finding the one a
 * project uses, and locating a handler's file. `limg build` and `limg dockerfile` use
 * these; nothing here talks to the engine.
 */
export {CA_CERT_IMAGE_PATH, dockerfileTemplatePath, renderDockerfile, type RenderDockerfileOptions, type RenderedDockerfile} from './render.js'
export {PROJECT_DOCKERFILE, declaresBaseImageArg, resolveDockerfile, type ResolveDockerfileOptions, type ResolvedDockerfile} from './resolve.js'
export {locateHandler, type HandlerLocation} from './handler-file.js'
