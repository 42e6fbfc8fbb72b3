import {CA_CERT_IMAGE_PATH} from './render.js'

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string
  args: string
  /** First and last line of the instruction in the text, 0-based. */
  startLine: number
  endLine: number
}

interface Stage {
  from: Instruction
  image: string
  name?: string
  platform?: string
  instructions: Instruction[]
}

/** A FROM of AWS's Lambda Node.js base image, and the Node major its tag names. */
export interface LambdaBaseReference {
  ref: string
  /** Undefined for `latest` or no tag. */
  major?: number
  /** From an `-x86_64`/`-arm64` tag suffix or `--platform`. */
  arch?: 'x86_64' | 'arm64'
}

// public.ecr.aws/lambda/nodejs, its Docker Hub mirror, and registries that mirror or cache it (ECR pull-through: .../ecr-public/lambda/nodejs).
const LAMBDA_NODE_IMAGE = /^(?:[^\s]+\/)?(?:lambda\/nodejs|amazon\/aws-lambda-nodejs)(?::([A-Za-z0-9_.-]+))?(?:@sha256:[0-9a-f]{64})?$/

/**
 * Splits a Dockerfile into instructions the way the classic builder reads it: parser
 * directives and comments dropped, lines ending in the escape character joined.
 */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const escape = /^#\s*escape\s*=\s*`/i.test(lines[0] ?? '') ? '`' : '\\'
  const out: Instruction[] = []
  let current: {parts: string[]; start: number} | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const trimmed = line.trim()
    if (current === undefined && (trimmed === '' || trimmed.startsWith('#'))) continue
    // Comment lines inside a continued instruction are dropped, as the builder does.
    if (current !== undefined && trimmed.startsWith('#')) continue
    const continued = trimmed.endsWith(escape) && !trimmed.endsWith(escape + escape)
    const part = continued ? trimmed.slice(0, -1) : trimmed
    if (current === undefined) current = {parts: [], start: i}
    current.parts.push(part)
    if (continued && i < lines.length - 1) continue
    const joined = current.parts.join(' ').trim()
    const match = /^(\S+)\s*(.*)$/s.exec(joined)
    if (match) out.push({keyword: match[1].toUpperCase(), args: match[2].trim(), startLine: current.start, endLine: i})
    current = undefined
  }
  return out
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/)
      const platform = words.find((w) => w.startsWith('--platform='))?.slice('--platform='.length)
      const rest = words.filter((w) => !w.startsWith('--'))
      const asIndex = rest.findIndex((w) => w.toUpperCase() === 'AS')
      stages.push({
        from: instruction,
        image: rest[0] ?? '',
        ...(asIndex > 0 && rest[asIndex + 1] ? {name: rest[asIndex + 1].toLowerCase()} : {}),
        ...(platform ? {platform} : {}),
        instructions: [],
      })
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction)
    }
  }
  return stages
}

/** The final stage and the stages it is built FROM, final first: what the image inherits. */
function finalChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = []
  let stage: Stage | undefined = stages[stages.length - 1]
  while (stage && !chain.includes(stage)) {
    chain.push(stage)
    const parent = stage.image.toLowerCase()
    stage = stages.slice(0, stages.indexOf(stage)).reverse().find((s) => s.name === parent)
  }
  return chain
}

/** Reads a reference as AWS's Lambda Node.js base image, or undefined for any other image. */
export function lambdaBaseReference(ref: string, platform?: string): LambdaBaseReference | undefined {
  const match = LAMBDA_NODE_IMAGE.exec(ref)
  if (!match) return undefined
  const tag = match[1]
  const major = tag && /^\d+/.test(tag) ? Number(/^\d+/.exec(tag)?.[0]) : undefined
  const arch = tag?.endsWith('-arm64') || platform === 'linux/arm64' ? 'arm64' : tag?.endsWith('-x86_64') || platform === 'linux/amd64' ? 'x86_64' : undefined
  return {ref, ...(major === undefined ? {} : {major}), ...(arch ? {arch} : {})}
}

/**
 * The AWS Lambda Node.js base the image starts from: the root of the final stage's
 * chain, with global ARG defaults applied (`ARG BASE=public.ecr.aws/lambda/nodejs:20`).
 */
export function finalLambdaBase(text: string): LambdaBaseReference | undefined {
  const instructions = parseInstructions(text)
  const chain = finalChain(stagesOf(instructions))
  const root = chain[chain.length - 1]
  if (!root) return undefined
  return lambdaBaseReference(expandArgs(root.image, globalArgs(instructions)), root.platform)
}

/** The handler the image's CMD names, read from the final stage (or the stage it builds on). */
export function dockerfileHandler(text: string): string | undefined {
  for (const stage of finalChain(stagesOf(parseInstructions(text)))) {
    const cmd = [...stage.instructions].reverse().find((i) => i.keyword === 'CMD')
    if (!cmd) continue
    if (cmd.args.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(cmd.args)
        return Array.isArray(parsed) && parsed.length === 1 && typeof parsed[0] === 'string' ? parsed[0] : undefined
      } catch {
        return undefined
      }
    }
    const words = cmd.args.split(/\s+/).filter(Boolean)
    return words.length === 1 ? words[0].replace(/^["']|["']$/g, '') : undefined
  }
  return undefined
}

export interface OwnDockerfileRewrite {
  text: string
  /** `from -> to` for each base reference replaced, for the build output. */
  replaced: Array<{from: string; to: string}>
  /** The CA reached a stage the image is built from: its bytes sit, deleted, in a lower layer. */
  caInFinalChain: boolean
}

/**
 * Prepares a project's own Dockerfile for the build, in the stream only (the file stays as
 * it is): every FROM, and every global ARG default, naming AWS's Lambda Node.js base image
 * is pointed at `baseImage` when one is given; and, with a CA, every stage with RUN steps
 * trusts it. Stages the image does not inherit get it with COPY and ENV; the final stage
 * and those it builds FROM get it per RUN step only, and the file is deleted at the end, so
 * the function never trusts it at run time.
 */
export function rewriteOwnDockerfile(text: string, options: {baseImage?: string; caCertContextPath?: string}): OwnDockerfileRewrite {
  const lines = text.split(/\r?\n/)
  const instructions = parseInstructions(text)
  const stages = stagesOf(instructions)
  const chain = finalChain(stages)
  const replaced: OwnDockerfileRewrite['replaced'] = []
  // Edits keyed by line: `replace` by an instruction's first line, `before` by its first, `after` by its last.
  const replace = new Map<number, string>()
  const before = new Map<number, string[]>()
  const after = new Map<number, string[]>()
  const add = (map: Map<number, string[]>, line: number, added: string[]): void => {
    map.set(line, [...(map.get(line) ?? []), ...added])
  }

  if (options.baseImage !== undefined) {
    for (const instruction of instructions) {
      if (instruction.keyword === 'FROM') {
        const stage = stages.find((s) => s.from === instruction)
        if (stage && lambdaBaseReference(stage.image, stage.platform)) {
          replaced.push({from: stage.image, to: options.baseImage})
          replace.set(instruction.startLine, joinedLine(instruction).replace(stage.image, options.baseImage))
        }
      } else if (instruction.keyword === 'ARG' && instruction.startLine < (stages[0]?.from.startLine ?? Infinity)) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(instruction.args)
        if (match && lambdaBaseReference(match[2].replace(/^["']|["']$/g, ''))) {
          replaced.push({from: match[2], to: options.baseImage})
          replace.set(instruction.startLine, `ARG ${match[1]}=${options.baseImage}`)
        }
      }
    }
  }

  let caInFinalChain = false
  const ca = options.caCertContextPath
  if (ca !== undefined) {
    const copy = `COPY ${ca} ${CA_CERT_IMAGE_PATH}`
    for (const stage of stages) {
      const runs = stage.instructions.filter((i) => i.keyword === 'RUN')
      if (runs.length === 0) continue
      if (!chain.includes(stage)) {
        add(after, stage.from.endLine, [copy, `ENV NODE_EXTRA_CA_CERTS=${CA_CERT_IMAGE_PATH}`])
        continue
      }
      caInFinalChain = true
      add(before, runs[0].startLine, [copy])
      for (const run of runs) replace.set(run.startLine, `RUN ${withCaEnvironment(run.args)}`)
    }
    if (caInFinalChain) {
      const final = chain[0]
      const last = final.instructions[final.instructions.length - 1] ?? final.from
      // Node, not rm: a Lambda Node.js image always has node, a minimal one may have no rm.
      add(after, last.endLine, [`RUN ${JSON.stringify(['node', '-e', `require('fs').rmSync(${JSON.stringify(CA_CERT_IMAGE_PATH)}, {force: true})`])}`])
    }
  }

  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    out.push(...(before.get(i) ?? []))
    const instruction = replace.has(i) ? instructions.find((ins) => ins.startLine === i) : undefined
    if (instruction) {
      out.push(replace.get(i) as string)
      i = instruction.endLine
    } else {
      out.push(lines[i])
    }
    out.push(...(after.get(i) ?? []))
  }
  return {text: out.join('\n'), replaced, caInFinalChain}
}

const SHELL_CA_PREFIX = `export NODE_EXTRA_CA_CERTS=${CA_CERT_IMAGE_PATH}; `
const EXEC_CA_PREFIX = `"env","NODE_EXTRA_CA_CERTS=${CA_CERT_IMAGE_PATH}",`

/** A step's text as the project's Dockerfile writes it, without what limg added for the CA: for messages. */
export function withoutCaEnvironment(text: string): string {
  return text.replaceAll(SHELL_CA_PREFIX, '').replaceAll(EXEC_CA_PREFIX, '')
}

/** A RUN step's command with NODE_EXTRA_CA_CERTS set for it alone (no ENV that the image would keep). */
function withCaEnvironment(args: string): string {
  if (args.startsWith('[')) {
    try {
      const argv: unknown = JSON.parse(args)
      if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) {
        return `[${EXEC_CA_PREFIX}${JSON.stringify(argv).slice(1)}`
      }
    } catch {
      // Not JSON: the builder runs it in the shell, and so does this.
    }
  }
  return `${SHELL_CA_PREFIX}${args}`
}

function joinedLine(instruction: Instruction): string {
  return `${instruction.keyword} ${instruction.args}`
}

function globalArgs(instructions: Instruction[]): Record<string, string> {
  const args: Record<string, string> = {}
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') break
    const match = instruction.keyword === 'ARG' ? /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(instruction.args) : null
    if (match) args[match[1]] = match[2].replace(/^["']|["']$/g, '')
  }
  return args
}

function expandArgs(ref: string, args: Record<string, string>): string {
  return ref.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args[name] ?? whole)
}
