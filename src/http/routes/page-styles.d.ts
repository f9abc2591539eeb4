// Style sheets imported `with { type: 'text' }` by the console pages: Bun hands over the file's text.
declare module 'uplot/dist/uPlot.min.css' {
  const text: string
  export default text
}

declare module '*/ui/style.css' {
  const text: string
  export default text
}
