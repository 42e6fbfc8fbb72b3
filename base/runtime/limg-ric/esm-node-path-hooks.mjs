// The resolve hook that module.register() runs on its own thread (Node.js 18.19 to 22.14,
// which lack module.registerHooks()): the asynchronous form of syncResolveHook in
// node-path-packages.js. An ES module, so loaded on Node.js 18 and later only.
import packages from './node-path-packages.js';

let folders = [];

export function initialize(data) {
  folders = (data && data.folders) || [];
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!packages.isNotFound(error)) throw error;
    for (const candidate of packages.candidates(specifier, folders)) {
      let result;
      try {
        result = await nextResolve(specifier, packages.withParent(context, candidate.parentURL));
      } catch (otherError) {
        if (packages.isNotFound(otherError)) continue;
        throw otherError;
      }
      if (packages.resolvedWithin(result, candidate)) return result;
    }
    throw error;
  }
}
