'use strict';
// Response streaming, as AWS's runtime interface client does it: `awslambda.streamifyResponse`
// marks a handler, which then gets a writable stream instead of returning its result. The
// stream is one POST to /runtime/invocation/{id}/response with
// Lambda-Runtime-Function-Response-Mode: streaming and chunked transfer, each write sent as it
// is made; `awslambda.HttpResponseStream.from(stream, {statusCode, headers, cookies})` puts a
// JSON prelude and eight NUL bytes before the body (content type
// application/vnd.awslambda.http-integration-response), and an error ends the body with the
// Lambda-Runtime-Function-Error-Type and -Body trailers.

var http = require('http');
var Errors = require('./errors');

var HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
var HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
var STREAM_RESPONSE = 'response';
var HEADER_RESPONSE_MODE = 'Lambda-Runtime-Function-Response-Mode';
var TRAILER_ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
var TRAILER_ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';
var DEFAULT_CONTENT_TYPE = 'application/octet-stream';
var HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
var DELIMITER_LENGTH = 8;

var HttpResponseStream = {
  from: function (underlyingStream, prelude) {
    underlyingStream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    // JSON text holds no NUL byte, so the eight NULs after it end the prelude unambiguously.
    var metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = function (write) {
      write(metadataPrelude);
      write(new Uint8Array(DELIMITER_LENGTH));
    };
    return underlyingStream;
  },
};

/** The `awslambda` global AWS's Node.js runtimes define (unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set). */
function installGlobal(env) {
  var off = String(env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA || '').toLowerCase();
  if (off === '1' || off === 'true') return;
  global.awslambda = {
    streamifyResponse: function (handler, options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (options && typeof options.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark, 10);
      return handler;
    },
    HttpResponseStream: HttpResponseStream,
  };
}

/** Whether the handler streams its response; a mark other than "response" is an init error, as in AWS's client. */
function isStreaming(handler) {
  var mark = handler[HANDLER_STREAMING];
  if (mark === undefined || mark === null || mark === false) return false;
  if (mark === STREAM_RESPONSE) return true;
  throw new Errors.MalformedStreamingHandler('Only response streaming is supported.');
}

/**
 * Opens the streamed response of invocation `id`. Returns the stream the handler writes to,
 * `fail(error, done)` (the error as trailers, then the end) and `answered`, a promise of the
 * Runtime API's answer, which comes once the body has ended.
 */
function open(client, id, handler) {
  var written = false;
  var answer;
  var answered = new Promise(function (resolve, reject) { answer = {resolve: resolve, reject: reject}; });
  var req = http.request({
    hostname: client.hostname,
    port: client.port,
    method: 'POST',
    path: '/2018-06-01/runtime/invocation/' + encodeURIComponent(id) + '/response',
    headers: {
      'Lambda-Runtime-Function-Response-Mode': 'streaming',
      Trailer: TRAILER_ERROR_TYPE + ', ' + TRAILER_ERROR_BODY,
      'Content-Type': DEFAULT_CONTENT_TYPE,
      'Transfer-Encoding': 'chunked',
    },
    agent: client.agent,
    highWaterMark: handler[HANDLER_HIGHWATERMARK],
  }, function (res) {
    res.resume();
    res.on('end', function () { answer.resolve(res.statusCode); });
    res.on('error', answer.reject);
  });
  req.on('error', answer.reject);
  // Each write goes out at once, not when Nagle's algorithm would let it.
  req.on('socket', function (socket) { socket.setNoDelay(true); });

  var write = req.write.bind(req);
  var end = req.end.bind(req);
  var beforeFirstWrite = function () {
    if (written) return;
    written = true;
    if (typeof req._onBeforeFirstWrite === 'function') req._onBeforeFirstWrite(function (chunk) { write(chunk); });
  };
  req.setContentType = function (contentType) {
    if (written) throw new Errors.InvalidStreamingOperation('Cannot set content-type, too late.');
    req.setHeader('Content-Type', contentType);
  };
  req.write = function (chunk, encoding, callback) {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
    beforeFirstWrite();
    return write(chunk, encoding, callback);
  };
  req.end = function (chunk, encoding, callback) {
    if (typeof chunk === 'function') return req.end(undefined, undefined, chunk);
    if (typeof encoding === 'function') return req.end(chunk, undefined, encoding);
    if (chunk !== undefined && chunk !== null) req.write(chunk, encoding);
    // An HTTP response with no body still sends its prelude (its status and headers).
    beforeFirstWrite();
    return end(callback);
  };
  var failed = false;
  function fail(error, done) {
    if (failed || req.writableEnded || req.finished) {
      if (done) done();
      return;
    }
    failed = true;
    var response = Errors.toRapidResponse(error);
    var trailers = {};
    trailers[TRAILER_ERROR_TYPE] = String(response.errorType).replace(/[^\x20-\x7e]/g, '');
    trailers[TRAILER_ERROR_BODY] = Buffer.from(JSON.stringify(response)).toString('base64');
    req.addTrailers(trailers);
    end(done);
  }
  return {stream: req, fail: fail, answered: answered};
}

module.exports = {
  installGlobal: installGlobal,
  isStreaming: isStreaming,
  open: open,
  HttpResponseStream: HttpResponseStream,
  HEADER_RESPONSE_MODE: HEADER_RESPONSE_MODE,
};
