/* global process, console */
// A bare HTTP client as its own process, the baseline for `limg invoke`: node:http, one POST.
import {readFileSync} from 'node:fs'
import {request} from 'node:http'

const [url, file] = process.argv.slice(2)
const body = readFileSync(file)
const req = request(url, {method: 'POST', headers: {'content-type': 'application/json', 'content-length': body.length}}, (res) => {
  res.resume()
  res.on('end', () => (process.exitCode = res.statusCode === 200 ? 0 : 1))
})
req.on('error', (error) => {
  console.error(error.message)
  process.exitCode = 1
})
req.end(body)
