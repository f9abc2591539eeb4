// swagger-ui-dist's files, imported `with { type: 'file' }`: Bun hands over the file's path (inside the
// executable once compiled), not a module. The package ships no types for them.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const path: string
  export default path
}

declare module 'swagger-ui-dist/swagger-ui.css' {
  const path: string
  export default path
}
