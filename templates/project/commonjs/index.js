'use strict'

// Runs once per execution environment, before the first invocation: create clients here.
const greeting = 'Hello'

/**
 * The Lambda handler (limg.json "handler": "{{handler}}").
 * The event is whatever the caller sends; events/event.json is an example.
 */
exports.{{handlerExport}} = async (event) => {
  const name = (event && event.name) || 'World'
  return {
    statusCode: 200,
    body: JSON.stringify({message: `${greeting}, ${name}!`}),
  }
}
