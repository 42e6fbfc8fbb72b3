import {type ProjectDockerfileResult, projectDockerfile} from '../dockerfile/project-dockerfile.js'
import {type AppContext, projectSettings} from './context.js'

export interface DockerfileRequest {
  dir: string
  arch?: string
  baseImage?: string
  write: boolean
  force: boolean
}

/** `limg dockerfile`: what `limg build` would use, or the template written into the project. */
export async function dockerfile(context: AppContext, request: DockerfileRequest): Promise<ProjectDockerfileResult> {
  const project = await projectSettings(context, request.dir, {arch: request.arch, baseImage: request.baseImage}, 'dockerfile')
  return projectDockerfile({
    dir: project.dir,
    config: project.config,
    retargeted: request.arch !== undefined || request.baseImage !== undefined,
    write: request.write,
    force: request.force,
    ...(context.signal ? {signal: context.signal} : {}),
  })
}
