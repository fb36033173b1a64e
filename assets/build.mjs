// Build the portal's front-end assets. Run with `npm run build`.
//
// - compiles assets/scss/portal.scss -> static/css/portal.css (compressed,
//   no source map), resolving `pkg:govuk-frontend` from node_modules;
// - vendors govuk-frontend's ES module bundle (+ its source map), and none of
//   its fonts or images (GDS Transport, crown, crest: we are not on gov.uk);
// - vendors htmx as static/vendor/htmx-<version>.min.js.
//
// Idempotent and deterministic: the vendored govuk-frontend folder is rebuilt
// from scratch, every output is a pure function of the pinned packages and
// assets/scss, and the CSS is checked for GOV.UK branding and dangling url()s.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = join(root, 'node_modules')
const out = (...parts) => join(root, 'static', ...parts)

const version = (pkg) => JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version

function write (file, data) {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, data)
  console.log(`wrote ${relative(root, file)}`)
}

function copy (from, to) {
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
  console.log(`copied ${relative(root, to)}`)
}

// We are not on gov.uk: no GDS Transport, no crest, no crown. The one
// allowed mention of "crown" is govuk-frontend's `.govuk-footer__crown`
// selector, which portal.scss hides.
function checkBranding (css) {
  const bad = css.replace(/\.govuk-footer__crown\b/g, '').match(/GDS Transport|govuk-crest|crown/i)
  if (bad) throw new Error(`portal.css mentions "${bad[0]}"`)
}

// Every url() in the CSS must be a file vendored under static/vendor/govuk-frontend/assets/.
function checkUrls (css, govukOut) {
  const prefix = '/static/vendor/govuk-frontend/assets/'
  for (const [, , url] of css.matchAll(/url\((["']?)(.*?)\1\)/g)) {
    if (url.startsWith('data:')) continue
    if (!url.startsWith(prefix) || !existsSync(join(govukOut, 'assets', url.slice(prefix.length)))) {
      throw new Error(`portal.css refers to ${url}, which is not vendored`)
    }
  }
}

// 1. Sass. quietDeps silences deprecation warnings raised inside
//    govuk-frontend's own code; warnings from our Sass still show.
const result = sass.compile(join(root, 'assets', 'scss', 'portal.scss'), {
  style: 'compressed',
  sourceMap: false,
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true
})
let css = result.css
if (!css.endsWith('\n')) css += '\n'
checkBranding(css)

// 2. govuk-frontend: only the ES module bundle. Nothing from dist/govuk/assets
//    is vendored: fonts are GDS Transport, and every image (favicon.ico,
//    favicon.svg, govuk-icon-*.png, govuk-icon-mask.svg, govuk-crest.svg,
//    govuk-opengraph-image.png) shows the crown or crest; manifest.json only
//    lists those icons (so it is not vendored either). Our own favicon is static/images/favicon.svg.
//    To vendor an image later, list it here and allow it in _url-handlers.scss.
const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
const govukOut = out('vendor', 'govuk-frontend')
const govukImages = []
rmSync(govukOut, { recursive: true, force: true })
for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  copy(join(govuk, name), join(govukOut, name))
}
for (const name of govukImages) {
  copy(join(govuk, 'assets', 'images', name), join(govukOut, 'assets', 'images', name))
}

// 3. htmx, named with its version so caches never serve a stale copy.
const htmxVersion = version('htmx.org')
const htmxOut = out('vendor', `htmx-${htmxVersion}.min.js`)
for (const name of readdirSync(out('vendor'))) {
  if (/^htmx-.*\.min\.js$/.test(name) && join(out('vendor'), name) !== htmxOut) {
    rmSync(out('vendor', name))
  }
}
copy(join(modules, 'htmx.org', 'dist', 'htmx.min.js'), htmxOut)

checkUrls(css, govukOut)
write(out('css', 'portal.css'), css)

console.log(`govuk-frontend ${version('govuk-frontend')}, htmx ${htmxVersion}, sass ${sass.info.split('\t')[1]}`)
