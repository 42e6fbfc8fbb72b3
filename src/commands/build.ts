import {resolve} from 'node:path'
import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import type {BuildResult} from '../build/build.js'
import {buildProjectLocked} from '../build/build-lock.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {createEngine} from '../engine/docker-engine.js'
import {extraLabels} from '../local/labels.js'
import {BuildProgressRenderer} from '../ui/build-progress.js'

export default class Build extends LimgCommand<BuildResult> {
  static override summary = 'Build the function\'s container image for x86_64 or arm64.'
  static override description = `Uses the project's own Dockerfile (or --dockerfile, or "dockerfile" in limg.json), or renders limg's template for the runtime, architecture, module format and package manager (npm with or without a lock file, Yarn, pnpm). In a project's own Dockerfile, --base-image replaces AWS's Lambda Node.js base image in its FROM lines and the CA reaches its RUN steps, in the build only: the file itself is never changed. The build context is streamed to the Docker engine (DOCKER_HOST is honoured: unix://, tcp:// with TLS, ssh://) after .dockerignore, with Docker's own rules; symbolic links are sent as links and never followed.

The image is tagged <name>:<arch> (or --tag) and labelled limg=true, limg.project, limg.runtime and limg.arch. A missing base image is pulled; --base-image (limg.json "baseImage", LIMG_BASE_IMAGE) replaces AWS's public.ecr.aws/lambda/nodejs:<major>-<arch>.

Behind a TLS-intercepting proxy, --ca-cert (limg.json "caCert", or NODE_EXTRA_CA_CERTS) is given to the dependency install step and left out of the final image; HTTP_PROXY, HTTPS_PROXY and NO_PROXY pass through as build arguments.

Secrets never reach the image: .env files, .npmrc and other registry credentials, .aws/, .ssh/, private keys and .git are kept out at any depth whatever .dockerignore says (a "!path" line there puts one back), and named in the output. A project's .npmrc is read by the dependency install only.

Before the build limg checks the base image's runtime against limg.json's, and on nodejs24.x refuses a callback-style handler. After it, it checks what Lambda would otherwise reject later: the image's architecture, the handler file CMD names, and the 10 GB size limit. Only an image that passes gets the tag; a failed build leaves the previous image under it.`
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --arch arm64',
    '<%= config.bin %> build --base-image limg-offline/nodejs:20-x86_64 --json',
    '<%= config.bin %> build --ca-cert /etc/ssl/certs/ca-certificates.crt --tag orders:dev',
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    arch: Flags.string({description: 'Architecture to build for (default: limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    tag: Flags.string({description: 'Image tag (default: <name>:<arch>).'}),
    'base-image': Flags.string({description: 'Base image replacing AWS\'s public.ecr.aws/lambda/nodejs:<major>-<arch>.'}),
    'no-cache': Flags.boolean({description: 'Build every step afresh.', default: false}),
    dockerfile: Flags.string({description: 'Dockerfile to use instead of the project\'s Dockerfile or limg\'s template.'}),
    'ca-cert': Flags.string({description: 'PEM certificate authority the dependency install must trust (default: limg.json caCert, else NODE_EXTRA_CA_CERTS).'}),
  }

  public async run(): Promise<BuildResult> {
    const {flags} = await this.parse(Build)
    const dir = resolve(flags.dir)
    const project = await loadProjectConfig(dir, {onWarning: (warning) => this.addWarning(warning)})
    const config = resolveConfig(project, {
      arch: flags.arch,
      baseImage: flags['base-image'],
      // A path on the command line is relative to where it was typed.
      caCert: flags['ca-cert'] === undefined ? undefined : resolve(flags['ca-cert']),
    })
    const engine = await createEngine(process.env, this.signal)
    const view = this.jsonEnabled() ? undefined : new BuildProgressRenderer(process.stderr, this.interactive, Date.now, () => process.stderr.columns || 80)
    let result: BuildResult
    try {
      result = await buildProjectLocked(engine, {
        projectDir: dir,
        config,
        ...(flags.tag === undefined ? {} : {tag: flags.tag}),
        ...(flags.dockerfile === undefined ? {} : {dockerfilePath: resolve(flags.dockerfile)}),
        noCache: flags['no-cache'],
        extraLabels: extraLabels(),
        settings: {
          ...(flags.arch === undefined ? {} : {arch: flags.arch}),
          ...(flags['base-image'] === undefined ? {} : {baseImage: flags['base-image']}),
          ...(flags.dockerfile === undefined ? {} : {dockerfile: resolve(flags.dockerfile)}),
          ...(flags['ca-cert'] === undefined ? {} : {caCert: resolve(flags['ca-cert'])}),
        },
        signal: this.signal,
        ...(view ? {onEvent: view.handle} : {}),
      }, {onWait: ({pid, tag}) => this.note(`Another limg build of ${tag}${pid ? ` (pid ${pid})` : ''} is running; waiting for it to finish…`)})
    } finally {
      view?.stop()
    }
    for (const warning of result.warnings) this.addWarning(warning)
    const size = (result.sizeBytes / 1024 ** 2).toFixed(1)
    this.note(`Built ${result.image} (${result.architecture}, ${size} MB) in ${(result.durationMs / 1000).toFixed(1)}s: ${result.steps} steps, ${result.cachedSteps} from cache.`)
    this.log(result.image)
    return this.withWarnings({...result, warnings: []})
  }
}
