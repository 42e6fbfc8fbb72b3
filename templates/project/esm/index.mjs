// Top-level await finishes asynchronous initialisation (configuration, secrets,
// connections) before Lambda sends the first invocation.
const config = await loadConfig()

async function loadConfig() {
  return {greeting: 'Hello'}
}

/**
 * The Lambda handler (limg.json "handler": "{{handler}}").
 * The event is whatever the caller sends; events/event.json is an example.
 */
export const {{handlerExport}} = async (event) => {
  const name = event?.name || 'World'
  return {
    statusCode: 200,
    body: JSON.stringify({message: `${config.greeting}, ${name}!`}),
  }
}
