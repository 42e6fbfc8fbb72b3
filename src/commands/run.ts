import {Flags} from '@oclif/core'
import {run} from '../app/run.js'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import {LimgCommand} from '../cli/base-command.js'
import type {RunOutcome} from '../app/run.js'
import {printLogLine} from '../ui/readable-log.js'
import {inspectorNote, renderRunEvent} from '../ui/run-progress.js'

export type RunResult = RunOutcome & {warnings: string[]}

export default class Run extends LimgCommand<RunResult> {
  static override summary = 'Run the function locally with the Lambda Runtime Interface Emulator.'
  static override description = `Starts the project's image (<name>:<arch>, built first when it is missing or older than the project's files) with the emulator listening on 127.0.0.1 only, on --port or a free port. Invoke it with \`limg invoke\` or any HTTP client at the printed endpoint.

When it builds, it uses the last limg build's --arch, --base-image, --dockerfile and --ca-cert unless given here.

The function gets limg.json "environment", then --env-file, then --env, and Lambda's AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE and AWS_LAMBDA_FUNCTION_TIMEOUT from limg.json or --memory/--timeout; the container's memory is limited to the function's, plus room for the emulator (and for qemu when the image is for the other architecture).

An image without an emulator of its own (an alternative base image) gets one the way AWS SAM adds it: a thin image FROM it with AWS's aws-lambda-rie binary (--rie PATH, or a copy in limg's cache) in front of its entrypoint.

In the foreground the function's log (START, END, REPORT and its console lines) streams until Ctrl-C, which stops and removes the container (exit 130); SIGTERM and SIGHUP (a closed terminal) do the same (exit 143, 129). --watch rebuilds and restarts on the same port when the project's files change. --detach returns once the emulator answers; \`limg stop\` removes it.

--http PORT adds a local HTTP front door on 127.0.0.1 (0: a free port, printed): every request becomes the event a function URL or API Gateway HTTP API gives a function (payload format 2.0, the default), or a REST API proxy integration (1.0) with --http-format 1.0 or "http": {"format": "1.0"} in limg.json, and the function's result is answered as that front door answers it; a function error is a 502. Requests go to the same warm container, one at a time. With --detach the front door is a process of its own that ends with the container, and \`limg stop\` ends it.

--inspect PORT (or --inspect-brk PORT, which stops at the runtime's first line until a debugger attaches) runs the function's Node under the inspector, published on 127.0.0.1:PORT (0: a free one), with the timeout raised to 900 s; it answers once the first invocation has started the runtime. Map /var/task to the project folder in the debugger (the README has a VS Code launch.json).

--concurrency N keeps N containers warm, each with its own emulator and initialisation (its first REPORT line has the Init Duration); the front door and limg invoke send each invocation to a free one, and queue beyond N.

On a remote engine (DOCKER_HOST=tcp://, with or without TLS, or ssh://) the ports are published on the address DOCKER_HOST names, on the engine's host, and reached there; --container-host names another address to reach them at, --container-host-interface another interface to publish on (0.0.0.0 for all). The project's files are sent in the build context, never bind-mounted, so nothing of this machine's folders has to exist there.`

  static override examples = [
    {description: 'Run in the foreground on a free port', command: '<%= config.bin %> run'},
    {description: 'Run in the background, then invoke and stop it', command: '<%= config.bin %> run --detach --port 9000 && <%= config.bin %> invoke && <%= config.bin %> stop'},
    {description: 'A 10-second timeout, 512 MB and an extra variable', command: '<%= config.bin %> run --timeout 10 --memory 512 --env STAGE=dev'},
    {description: 'Rebuild and restart on every change', command: '<%= config.bin %> run --watch'},
    {description: 'An HTTP front door on port 3000, as a function URL (then: curl http://127.0.0.1:3000/hello?name=limg)', command: '<%= config.bin %> run --http 3000'},
    {description: 'A REST API (payload 1.0) front door on a free port, in the background', command: '<%= config.bin %> run --detach --http 0 --http-format 1.0'},
    {description: 'Four warm instances behind a front door, as Lambda scales out', command: '<%= config.bin %> run --concurrency 4 --http 3000'},
    {description: 'On a build server reached over TLS, published on its address', command: 'DOCKER_HOST=tcp://build-1.internal:2376 DOCKER_TLS_VERIFY=1 <%= config.bin %> run --detach'},
    {description: 'Debug: the inspector on port 9229, stopped at the first line until VS Code or Chrome DevTools attaches', command: '<%= config.bin %> run --inspect-brk 9229'},
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    port: Flags.integer({description: 'Host port for the emulator on 127.0.0.1 (default: a free one).', min: 1, max: 65535}),
    detach: Flags.boolean({char: 'd', description: 'Return once the function is ready, leaving it running.', default: false}),
    env: Flags.string({char: 'e', description: 'Environment variable KEY=VALUE for the function (repeatable; KEY alone passes it through).', multiple: true}),
    'env-file': Flags.string({description: 'File of KEY=VALUE lines for the function\'s environment.'}),
    timeout: Flags.integer({description: 'Function timeout in seconds (default: limg.json\'s).'}),
    memory: Flags.integer({description: 'Function memory in MB (default: limg.json\'s).'}),
    arch: Flags.string({description: 'Architecture to run (default: the last limg build\'s, else limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    build: Flags.boolean({description: 'Build first when the image is missing or older than the sources; --no-build runs the image as it is.', default: true, allowNo: true}),
    'base-image': Flags.string({description: 'Base image for a rebuild (default: the last limg build\'s, else limg.json\'s).'}),
    dockerfile: Flags.string({description: 'Dockerfile for a rebuild (default: the last limg build\'s, else the project\'s).'}),
    'ca-cert': Flags.string({description: 'PEM certificate authority for a rebuild\'s install (default: the last limg build\'s).'}),
    rie: Flags.string({description: 'Path to AWS\'s aws-lambda-rie binary, for an image that has no emulator.'}),
    watch: Flags.boolean({char: 'w', description: 'Rebuild and restart when the project\'s files change.', default: false}),
    http: Flags.integer({description: 'Serve an HTTP front door on this 127.0.0.1 port (0: a free one), mapping requests to events.', min: 0, max: 65535}),
    concurrency: Flags.integer({description: 'Keep N warm instances (containers), each taking one invocation at a time, as Lambda scales out; --http and limg invoke send to a free one.', min: 1, max: 32}),
    inspect: Flags.integer({description: 'Run the function under the Node inspector, published on this 127.0.0.1 port (0: a free one); the timeout becomes 900 s.', min: 0, max: 65535, exclusive: ['inspect-brk']}),
    'inspect-brk': Flags.integer({description: 'As --inspect, stopping before the runtime\'s first line until a debugger attaches.', min: 0, max: 65535, exclusive: ['inspect']}),
    'container-host': Flags.string({description: 'On a remote engine (DOCKER_HOST=tcp:// or ssh://): the address its published ports are reached at (default: the engine\'s host; LIMG_CONTAINER_HOST).'}),
    'container-host-interface': Flags.string({description: 'On a remote engine: the interface of its host to publish on (default: the address DOCKER_HOST names; 0.0.0.0 for all; LIMG_CONTAINER_HOST_INTERFACE).'}),
    'http-format': Flags.string({description: 'The front door\'s payload format: 2.0 (function URL, HTTP API) or 1.0 (REST API proxy). Default: limg.json "http.format", else 2.0.', options: ['2.0', '1.0']}),
  }

  public async run(): Promise<RunResult> {
    const {flags} = await this.parse(Run)
    // With --json, stdout holds the result alone, so the function's log goes to stderr.
    const json = this.jsonEnabled()
    const output = {
      note: (line: string) => this.note(line),
      warn: (line: string) => this.addWarning(line),
      log: (stream: 'stdout' | 'stderr', text: string) => printLogLine(stream === 'stderr' || json ? process.stderr : process.stdout, text, json),
    }
    const result = await run(this.context, {
      dir: flags.dir,
      detach: flags.detach,
      watch: flags.watch,
      build: flags.build,
      ...(flags.port === undefined ? {} : {port: flags.port}),
      ...(flags.env === undefined ? {} : {env: flags.env}),
      ...(flags['env-file'] === undefined ? {} : {envFile: flags['env-file']}),
      ...(flags.timeout === undefined ? {} : {timeout: flags.timeout}),
      ...(flags.memory === undefined ? {} : {memory: flags.memory}),
      ...(flags.arch === undefined ? {} : {arch: flags.arch}),
      ...(flags['base-image'] === undefined ? {} : {baseImage: flags['base-image']}),
      ...(flags.dockerfile === undefined ? {} : {dockerfile: flags.dockerfile}),
      ...(flags['ca-cert'] === undefined ? {} : {caCert: flags['ca-cert']}),
      ...(flags.rie === undefined ? {} : {rie: flags.rie}),
      ...(flags.http === undefined ? {} : {http: flags.http}),
      ...(flags['http-format'] === undefined ? {} : {httpFormat: flags['http-format']}),
      ...(flags.inspect === undefined ? {} : {inspect: flags.inspect}),
      ...(flags.concurrency === undefined ? {} : {concurrency: flags.concurrency}),
      ...(flags['container-host'] === undefined ? {} : {containerHost: flags['container-host']}),
      ...(flags['container-host-interface'] === undefined ? {} : {containerHostInterface: flags['container-host-interface']}),
      ...(flags['inspect-brk'] === undefined ? {} : {inspectBrk: flags['inspect-brk']}),
    }, (event) => renderRunEvent(output, event))
    if (flags.detach) {
      // Only a detached function is still there to invoke; a foreground run has ended by now.
      this.note(`Running ${result.image} as ${result.container.slice(0, 12)}`)
      this.note(`Invoke it: limg invoke, or curl -d '{}' ${result.endpoint}`)
      if (result.http) this.note(`HTTP front door (payload ${result.http.format}): ${result.http.url}`)
      if (result.inspector) this.note(inspectorNote(result.inspector))
      if (result.instances) this.note(`${result.instances.length} warm instances: ${result.instances.map((i) => i.endpoint).join(', ')}`)
      this.note('Stop it: limg stop')
      if (!json) this.log(result.endpoint)
      if (!json && result.http) this.log(result.http.url)
    }
    return this.withWarnings(result)
  }
}
