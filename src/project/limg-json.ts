import type {Architecture, RuntimeId} from '../catalog/runtimes.js'
import {CONFIG_FILE} from '../config/load.js'
import {type ProjectConfig, type Template, repositoryFor, validateProjectConfig} from '../config/schema.js'

export interface NewConfig {
  name: string
  runtime: RuntimeId
  arch: Architecture
  template: Template
  handler: string
}

/** The limg.json a new or adopted project starts with: Lambda's smallest memory and its default timeout. */
export function initialConfig(settings: NewConfig): ProjectConfig {
  const config = {
    ...settings,
    memory: 128,
    timeout: 3,
    environment: {},
    ecr: {repository: repositoryFor(settings.name), scanOnPush: true, imageTagMutability: 'IMMUTABLE', maxImages: 10},
  }
  // Validating what we write keeps init and every later command in agreement.
  return validateProjectConfig(config, CONFIG_FILE)
}

export function configFileContent(config: ProjectConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`
}
