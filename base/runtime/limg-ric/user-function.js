'use strict';
// Turns _HANDLER ("file.export", "src/app.main", "index.nested.fn") into the
// function to call, loading the file the way the Node runtime does:
// extensionless and .js as CommonJS unless the nearest package.json says
// "type": "module", then .js (ES module), .mjs, .cjs, then Node's own resolution.

var path = require('path');
var fs = require('fs');
var url = require('url');
var Errors = require('./errors');

function splitModuleRoot(fullHandler) {
  var handlerPart = path.basename(fullHandler);
  return [fullHandler.substring(0, fullHandler.indexOf(handlerPart)), handlerPart];
}

function splitHandler(handlerPart) {
  var match = /^([^.]*)\.(.*)$/.exec(handlerPart);
  if (!match) throw new Errors.MalformedHandlerName('Bad handler');
  return [match[1], match[2]];
}

function resolveExport(exported, dottedPath) {
  return dottedPath.split('.').reduce(function (value, key) {
    return value && value[key];
  }, exported);
}

function requireIfExists(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

function importIfExists(file) {
  if (!fs.existsSync(file)) return Promise.resolve(undefined);
  return import(url.pathToFileURL(file).href);
}

// The nearest package.json decides; a node_modules folder or the root ends the search.
function isModuleScope(folder) {
  if (/\/node_modules$/.test(folder)) return false;
  var manifest = path.join(folder, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      var pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (pkg) return pkg.type === 'module';
    } catch (err) {
      console.warn(manifest + ' cannot be read, it will be ignored for ES module detection purposes.', err);
      return false;
    }
  }
  var parent = path.resolve(folder, '..');
  return parent === folder ? false : isModuleScope(parent);
}

function firstLoaded(attempts) {
  var index = 0;
  function next(loaded) {
    if (loaded) return loaded;
    if (index >= attempts.length) return undefined;
    var attempt = attempts[index++];
    return Promise.resolve(attempt()).then(next);
  }
  return Promise.resolve(undefined).then(next);
}

function loadModule(appRoot, moduleRoot, moduleName) {
  var base = path.resolve(appRoot, moduleRoot, moduleName);
  var esmScope = false;
  return firstLoaded([
    function () { return requireIfExists(base); },
    function () {
      esmScope = isModuleScope(path.dirname(base));
      return esmScope ? undefined : requireIfExists(base + '.js');
    },
    function () { return esmScope ? importIfExists(base + '.js') : undefined; },
    function () { return importIfExists(base + '.mjs'); },
    function () { return requireIfExists(base + '.cjs'); },
    function () {
      // require() resolves against this file's folder, not the task root
      return require(require.resolve(moduleName, {paths: [appRoot, moduleRoot]}));
    },
  ]);
}

function loadUserModule(appRoot, moduleRoot, moduleName) {
  return loadModule(appRoot, moduleRoot, moduleName).catch(function (err) {
    if (err instanceof SyntaxError) throw new Errors.UserCodeSyntaxError(err);
    if (err && err.code === 'MODULE_NOT_FOUND') throw new Errors.ImportModuleError(err);
    throw err;
  });
}

function load(appRoot, fullHandler) {
  return Promise.resolve().then(function () {
    fullHandler = fullHandler || '';
    if (fullHandler.indexOf('..') !== -1) {
      throw new Errors.MalformedHandlerName("'" + fullHandler +
        "' is not a valid handler name. Use absolute paths when specifying root directories in handler names.");
    }
    var parts = splitModuleRoot(fullHandler);
    var names = splitHandler(parts[1]);
    return loadUserModule(appRoot, parts[0], names[0]).then(function (exported) {
      var handler = resolveExport(exported, names[1]);
      if (!handler) throw new Errors.HandlerNotFound(fullHandler + ' is undefined or not exported');
      if (typeof handler !== 'function') throw new Errors.HandlerNotFound(fullHandler + ' is not a function');
      return handler;
    });
  });
}

module.exports = {load: load};
