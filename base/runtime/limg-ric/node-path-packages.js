'use strict';
// Where a bare ES module specifier that Node's own resolution did not find may still come
// from: a package folder <entry>/<name> in one of the NODE_PATH entries, as require() would
// look. The package itself is resolved by Node ("exports", the import conditions), with the
// parent placed in that folder; a result outside it is not taken. Loaded on Node.js 18 and
// later only.

var fs = require('fs');
var path = require('path');
var url = require('url');

var URL_SCHEME = /^[a-zA-Z][a-zA-Z\d+.-]*:/;

function packageName(specifier) {
  if (!specifier || '.#/'.indexOf(specifier.charAt(0)) !== -1 || URL_SCHEME.test(specifier)) return null;
  var parts = specifier.split('/');
  if (specifier.charAt(0) !== '@') return parts[0];
  return parts.length > 1 && parts[1] ? parts[0] + '/' + parts[1] : null;
}

function isDirectory(folder) {
  try {
    return fs.statSync(folder).isDirectory();
  } catch (_err) {
    return false;
  }
}

function realFolder(folder) {
  try {
    return fs.realpathSync(folder);
  } catch (_err) {
    return folder;
  }
}

function entries(nodePath) {
  return String(nodePath || '').split(path.delimiter).filter(Boolean).map(function (entry) {
    return path.resolve(entry);
  });
}

/** The NODE_PATH package folders that hold `specifier`'s package, each with a parent URL inside it. */
function candidates(specifier, folders) {
  var name = packageName(specifier);
  if (!name) return [];
  return folders.map(function (folder) { return path.join(folder, name); }).filter(isDirectory).map(function (packageFolder) {
    return {
      parentURL: url.pathToFileURL(path.join(packageFolder, 'package.json')).href,
      folders: [packageFolder, realFolder(packageFolder)],
    };
  });
}

function resolvedWithin(result, candidate) {
  if (!result || typeof result.url !== 'string' || result.url.indexOf('file:') !== 0) return false;
  var file = url.fileURLToPath(result.url);
  return candidate.folders.some(function (folder) { return file.indexOf(folder + path.sep) === 0; });
}

function isNotFound(error) {
  return Boolean(error) && error.code === 'ERR_MODULE_NOT_FOUND';
}

function withParent(context, parentURL) {
  return Object.assign({}, context, {parentURL: parentURL});
}

/** A resolve hook for module.registerHooks(): the synchronous form of the one in esm-node-path-hooks.mjs. */
function syncResolveHook(folders) {
  return function resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      var found = candidates(specifier, folders);
      for (var i = 0; i < found.length; i++) {
        var result;
        try {
          result = nextResolve(specifier, withParent(context, found[i].parentURL));
        } catch (otherError) {
          if (isNotFound(otherError)) continue;
          throw otherError;
        }
        if (resolvedWithin(result, found[i])) return result;
      }
      throw error;
    }
  };
}

module.exports = {
  candidates: candidates,
  entries: entries,
  isNotFound: isNotFound,
  packageName: packageName,
  resolvedWithin: resolvedWithin,
  syncResolveHook: syncResolveHook,
  withParent: withParent,
};
