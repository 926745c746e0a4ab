// Matches a request path against an `apexRest` path pattern: literal segments, `:name` for one
// segment, and `*` for the rest of the path (Apex `urlMapping` wildcards).

export type PathMatcher = (path: string) => Record<string, string> | undefined

export function compilePattern(pattern: string): PathMatcher {
  const parts = pattern.replace(/\/+$/, '').split('/').slice(1)
  return (path) => {
    const segments = path.replace(/\/+$/, '').split('/').slice(1)
    const params: Record<string, string> = {}
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      if (part === '*') {
        params['*'] = segments.slice(i).join('/')
        return params
      }
      const segment = segments[i]
      if (segment === undefined) return undefined
      if (part.startsWith(':')) params[part.slice(1)] = segment
      else if (part !== segment) return undefined
    }
    return segments.length === parts.length ? params : undefined
  }
}
