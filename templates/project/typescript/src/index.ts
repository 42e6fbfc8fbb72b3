import type {Handler} from 'aws-lambda'

interface GreetingEvent {
  name?: string
}

interface GreetingResult {
  statusCode: number
  body: string
}

// Runs once per execution environment, before the first invocation: create clients here.
const greeting = 'Hello'

/**
 * The Lambda handler: limg.json says "{{handler}}", which is {{mainFile}} once
 * `npm run build` has compiled it (dist/ becomes the image's task root).
 */
export const {{handlerExport}}: Handler<GreetingEvent, GreetingResult> = async (event) => {
  const name = event?.name || 'World'
  return {
    statusCode: 200,
    body: JSON.stringify({message: `${greeting}, ${name}!`}),
  }
}
