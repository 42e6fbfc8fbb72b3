import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {runBuild} from '../cli/bodies/build.js'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import type {AnyBuildResult} from '../app/build.js'
import type {FunctionsResult} from '../app/functions.js'

export default class Build extends LimgCommand<AnyBuildResult | FunctionsResult<AnyBuildResult>> {
  static override summary = 'Build the function\'s container image for x86_64 or arm64.'
  static override description = `Uses the project's own Dockerfile (or --dockerfile, or "dockerfile" in limg.json), or renders limg's template for the runtime, architecture, module format and package manager (npm with or without a lock file, Yarn, pnpm). In a project's own Dockerfile, --base-image replaces AWS's Lambda Node.js base image in its FROM lines and the CA reaches its RUN steps, in the build only: the file itself is never changed. The build context is streamed to the Docker engine (DOCKER_HOST is honoured: unix://, tcp:// with TLS, ssh://) after .dockerignore, with Docker's own rules; symbolic links are sent as links and never followed.

The image is tagged <name>:<arch> (or --tag) and labelled limg=true, limg.project, limg.runtime and limg.arch. A missing base image is pulled; --base-image (limg.json "baseImage", LIMG_BASE_IMAGE) replaces AWS's public.ecr.aws/lambda/nodejs:<major>-<arch>.

Behind a TLS-intercepting proxy, --ca-cert (limg.json "caCert", or NODE_EXTRA_CA_CERTS) is given to the dependency install step and left out of the final image; HTTP_PROXY, HTTPS_PROXY and NO_PROXY pass through as build arguments.

Secrets never reach the image: .env files, .npmrc and other registry credentials, .aws/, .ssh/, private keys and .git are kept out at any depth whatever .dockerignore says (a "!path" line there puts one back), and named in the output. A project's .npmrc is read by the dependency install only.

With --builder direct (limg.json "builder", LIMG_BUILDER) no Docker engine or emulation is used: the base image's layers are read from its registry for the target architecture (an image index resolved to that one manifest; anonymous Bearer tokens, ECR tokens through the AWS SDK, or a \`docker login\` in ~/.docker/config.json), production dependencies are installed on this host with npm 10.3 or later for linux and the target CPU (--os, --cpu, --libc=glibc; install scripts not run, native addons refused), and the code and dependency layers and the image config are written by limg, reproducibly: the same input gives the same digest. --push sends it to ECR (only the blobs the registry lacks, then the manifest, read back and checked), --output writes an OCI layout archive, and otherwise it is loaded into the local engine for \`limg run\`. npm projects only (CommonJS, ES modules, TypeScript compiled on this host); Yarn, pnpm, native addons built at install time and a project's own Dockerfile need --builder engine.

Before the build limg checks the base image's runtime against limg.json's, and on nodejs24.x refuses a callback-style handler. After it, it checks what Lambda would otherwise reject later: the image's architecture, the handler file CMD names, and the 10 GB size limit. Only an image that passes gets the tag; a failed build leaves the previous image under it.

At the root of a repository of functions (a limg.json listing "functions" folder globs, or workspaces whose folders hold a limg.json) every function is built, or those --function names, --jobs at a time (default: the machine's cores). Functions with the same dependency install wait for the first of them and take its layer from the engine's cache. The result lists each function's outcome; the exit code is 0 when all built, 8 when some failed (the failure's own code when all failed alike).`
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --arch arm64',
    '<%= config.bin %> build --base-image limg-offline/nodejs:20-x86_64 --json',
    '<%= config.bin %> build --ca-cert /etc/ssl/certs/ca-certificates.crt --tag orders:dev',
    '<%= config.bin %> build --builder direct --push --region eu-west-1',
    '<%= config.bin %> build --builder direct --arch arm64 --output image.tar --json',
    {description: 'At a repository\'s root: every function, or some of them', command: '<%= config.bin %> build --arch arm64 --function orders --function billing --jobs 4'},
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory, or a repository of functions.', default: '.'}),
    function: Flags.string({description: 'At a repository\'s root: build this function (its limg.json name or folder); repeat for more (default: all).', multiple: true}),
    jobs: Flags.integer({description: 'At a repository\'s root: build this many functions at once (default: the machine\'s cores).', min: 1}),
    arch: Flags.string({description: 'Architecture to build for (default: limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    tag: Flags.string({description: 'Image tag (default: <name>:<arch>).'}),
    'base-image': Flags.string({description: 'Base image replacing AWS\'s public.ecr.aws/lambda/nodejs:<major>-<arch>.'}),
    'no-cache': Flags.boolean({description: 'Build every step afresh.', default: false}),
    dockerfile: Flags.string({description: 'Dockerfile to use instead of the project\'s Dockerfile or limg\'s template.'}),
    'ca-cert': Flags.string({description: 'PEM certificate authority the dependency install must trust (default: limg.json caCert, else NODE_EXTRA_CA_CERTS).'}),
    builder: Flags.string({description: 'engine: through the Docker engine (default); direct: from the registry, no engine (limg.json "builder", LIMG_BUILDER).', options: ['engine', 'direct']}),
    push: Flags.boolean({description: 'Direct builder: push the image to ECR instead of loading it into the engine.', default: false}),
    output: Flags.string({description: 'Direct builder: write the image as an OCI layout archive (also `docker load`-able) to this file.'}),
    repository: Flags.string({description: 'With --push: ECR repository name (default: limg.json ecr.repository).'}),
    region: Flags.string({description: 'With --push: AWS region (default: from AWS_REGION or the profile).'}),
    profile: Flags.string({description: 'With --push: named profile from ~/.aws/config.'}),
    'create-repository': Flags.boolean({description: 'With --push: create the repository when it does not exist.', default: true, allowNo: true}),
  }

  public async run(): Promise<AnyBuildResult | FunctionsResult<AnyBuildResult>> {
    const {flags} = await this.parse(Build)
    return runBuild(this.shell, flags)
  }
}
