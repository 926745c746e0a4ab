// ESLint rule forcebridge/boundaries: holds the "may import" column of ARCHITECTURE.md and
// "other folders only through their index.ts" by resolving each relative import against its file.
import path from 'node:path'

/**
 * What each top-level folder of src/ may import besides itself ('*': everything), from the
 * "may import" column of ARCHITECTURE.md. A folder missing here is reported, so a new one is
 * given its row on purpose.
 */
export const MAY_IMPORT = {
  util: [],
  salesforce: ['util'],
  // Never the client: the emulator and the client are each other's check.
  emulator: ['util'],
  store: ['util'],
  runtime: ['salesforce', 'store', 'util'],
  admin: ['runtime', 'store', 'util'],
  // forcebridge/testing: an emulator and a runtime in one process, for users' own tests.
  testing: ['emulator', 'runtime', 'salesforce', 'store', 'util'],
  cli: '*',
}

/** Folders whose sub-folders are roles with a face: a sibling is entered only by its index.ts. */
export const FACED_SUBFOLDERS = ['runtime', 'admin']

/**
 * Folders that may also enter a faced folder by one of its roles' index.ts
 * (`src/runtime/config/index.ts`), not only by the folder's own: the CLI loads what a command
 * uses and no more, for its start time, and the runtime's own face gathers every role.
 */
export const ROLE_FACE_IMPORTERS = ['cli']

const INDEX = 'index.ts'

/** `src/runtime/queue/job.ts` for display, whatever the platform's separator. */
const shown = (parts) => ['src', ...parts].join('/')

/** The path of `file` under src/ as segments, or undefined when it is not under src/. */
function underSrc(srcDir, file) {
  const rel = path.relative(srcDir, file)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  return rel.split(path.sep)
}

/** The TypeScript file an ESM specifier names: `./x.js` is `x.ts` (NodeNext resolution). */
function targetFile(fromFile, specifier) {
  const resolved = path.resolve(path.dirname(fromFile), specifier)
  return resolved.replace(/\.js$/, '.ts')
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: {
      description:
        'src/ folders import only what ARCHITECTURE.md allows, and other folders only through their index.ts',
    },
    schema: [],
    messages: {
      unknownFolder:
        'src/{{from}}/ has no row in the "may import" table (scripts/eslint-rules/boundaries.js, from ARCHITECTURE.md); add one before importing from it',
      notAllowed:
        'src/{{from}} may not import {{target}}: ARCHITECTURE.md lets {{from}}/ import {{allowed}}; move the shared piece to an allowed folder or call through one',
      entry:
        '{{target}} is the package entry for service files; import the folder it re-exports ({{hint}}) instead',
      notFace:
        '{{target}} is inside src/{{to}}/; other folders import it only through {{face}} (export it there if it is missing)',
      notSiblingFace:
        '{{target}} is inside {{sibling}}/; a sibling folder imports it only through {{face}} (export it there if it is missing)',
      ownParentIndex:
        "{{target}} gathers every sibling folder, so importing it from {{from}} makes a cycle; import the sibling folder's own index.ts",
    },
  },

  create(context) {
    const srcDir = path.join(context.cwd, 'src')
    const file = context.filename
    const from = underSrc(srcDir, file)
    // Outside src/ (tests, bench, examples, scripts), and src/index.ts, the package's public entry
    // that takes defineService from its own file on purpose, nothing is checked.
    if (!from || from.length < 2) return {}
    const fromTop = from[0]
    const fromSub = FACED_SUBFOLDERS.includes(fromTop) && from.length > 2 ? from[1] : undefined

    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return
      const to = underSrc(srcDir, targetFile(file, source.value))
      if (!to) return
      const target = shown(to)
      const report = (messageId, data) =>
        context.report({ node: source, messageId, data: { target, ...data } })

      if (to.length === 1)
        return report('entry', { hint: 'src/runtime/index.ts, src/util/index.ts' })
      const toTop = to[0]
      if (toTop !== fromTop) {
        const allowed = MAY_IMPORT[fromTop]
        if (allowed === undefined) return report('unknownFolder', { from: fromTop })
        if (allowed !== '*' && !allowed.includes(toTop)) {
          const list = allowed.length ? allowed.map((f) => `${f}/`).join(', ') : 'nothing else'
          return report('notAllowed', { from: fromTop, allowed: list })
        }
        const roleFace =
          ROLE_FACE_IMPORTERS.includes(fromTop) &&
          FACED_SUBFOLDERS.includes(toTop) &&
          to.length === 3 &&
          to[2] === INDEX
        if (!roleFace && (to.length !== 2 || to[1] !== INDEX)) {
          return report('notFace', { to: toTop, face: shown([toTop, INDEX]) })
        }
        return
      }
      if (!FACED_SUBFOLDERS.includes(fromTop)) return
      const toSub = to.length > 2 ? to[1] : undefined
      if (toSub !== undefined && toSub !== fromSub && !(to.length === 3 && to[2] === INDEX)) {
        return report('notSiblingFace', {
          sibling: shown([toTop, toSub]),
          face: shown([toTop, toSub, INDEX]),
        })
      }
      if (fromSub !== undefined && to.length === 2 && to[1] === INDEX) {
        return report('ownParentIndex', { from: shown(from.slice(0, 2)) })
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
    }
  },
}
