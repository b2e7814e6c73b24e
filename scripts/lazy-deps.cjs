/**
 * Defers loading the parts of @pulumi/pulumi a CLI run does not use. Its index loads the Automation API and the
 * closure serializer's helpers eagerly (execa, TypeScript, npm's Arborist: ~900 of the ~1,130 files it pulls in),
 * although the resource graph under mocks calls neither. Each module listed below is replaced by a proxy that
 * requires the real one on first use, so any code that does use it still gets it.
 */
'use strict';
const nodeModule = require('node:module');

/**
 * request → { from: the requiring file's path ends with this, esModule: what the proxy answers for `__esModule`
 * without loading (the compiled `__importStar`/`__importDefault` helpers ask it at require time) }.
 * `esModule: true` for Arborist although it has no such flag: `__importStar` then keeps the proxy itself, and the
 * only use (`new arborist.Arborist(...)` in runtime/closure/codePaths.js) reads a property the real module has.
 */
const LAZY = {
  './automation': { from: '/@pulumi/pulumi/index.js', esModule: true },
  '@npmcli/arborist': { from: '/@pulumi/pulumi/runtime/closure/codePaths.js', esModule: true },
  'normalize-package-data': { from: '/@pulumi/pulumi/runtime/closure/codePaths.js', esModule: undefined },
  typescript: { from: '/@pulumi/pulumi/typescript-shim.js', esModule: undefined },
};

function lazyModule(load, esModule) {
  let real;
  const get = () => (real ??= load());
  // An arrow function as the target: a module that is itself a function can be called, and the target has no
  // non-configurable own property (`prototype`) that the proxy's invariants would make it report.
  return new Proxy(() => undefined, {
    get: (_, key) => (key === '__esModule' && real === undefined ? esModule : Reflect.get(get(), key)),
    set: (_, key, value) => Reflect.set(get(), key, value),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      return d && { ...d, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
    apply: (_, self, args) => Reflect.apply(get(), self, args),
  });
}

const originalLoad = nodeModule._load;
nodeModule._load = function load(request, parent, isMain) {
  const lazy = Object.hasOwn(LAZY, request) ? LAZY[request] : undefined;
  if (lazy && parent?.filename?.replaceAll('\\', '/').endsWith(lazy.from)) {
    return lazyModule(() => originalLoad.call(this, request, parent, isMain), lazy.esModule);
  }
  return originalLoad.call(this, request, parent, isMain);
};
