/* global process, WebSocket */
// A minimal DevTools-protocol client, run as its own Node process (WebSocket is global from
// Node 22, behind --experimental-websocket on 20): attaches to an inspector, sets a breakpoint
// by URL and line, lets a paused-at-start runtime go on, and when the breakpoint is hit prints
// where it stopped and the value of an expression there, as one JSON line; then resumes.
// Usage: node cdp-breakpoint.mjs WS_URL URL_REGEX LINE_NUMBER EXPRESSION
const [url, urlRegex, line, expression] = process.argv.slice(2)
const socket = new WebSocket(url)
let nextId = 0
const pending = new Map()
// Call frames name their script by id; the URL comes with the script's parsing.
const scripts = new Map()
const send = (method, params = {}) =>
  new Promise((resolve, reject) => {
    const id = ++nextId
    pending.set(id, {resolve, reject})
    socket.send(JSON.stringify({id, method, params}))
  })
socket.addEventListener('message', async (message) => {
  const data = JSON.parse(String(message.data))
  if (data.id !== undefined) {
    const waiter = pending.get(data.id)
    pending.delete(data.id)
    if (data.error) waiter?.reject(new Error(JSON.stringify(data.error)))
    else waiter?.resolve(data.result)
    return
  }
  if (data.method === 'Debugger.scriptParsed') scripts.set(data.params.scriptId, data.params.url)
  if (data.method !== 'Debugger.paused') return
  const {hitBreakpoints = [], callFrames} = data.params
  if (hitBreakpoints.length === 0) {
    await send('Debugger.resume')
    return
  }
  const frame = callFrames[0]
  const value = await send('Debugger.evaluateOnCallFrame', {callFrameId: frame.callFrameId, expression, returnByValue: true})
  process.stdout.write(`${JSON.stringify({url: scripts.get(frame.location.scriptId) ?? frame.url, lineNumber: frame.location.lineNumber, value: value.result.value})}\n`)
  await send('Debugger.resume')
  socket.close()
})
socket.addEventListener('open', async () => {
  await send('Debugger.enable')
  await send('Debugger.setBreakpointByUrl', {urlRegex, lineNumber: Number(line)})
  await send('Runtime.runIfWaitingForDebugger')
})
socket.addEventListener('error', (event) => {
  process.stderr.write(`websocket error: ${event.message ?? 'unknown'}\n`)
  process.exit(1)
})
