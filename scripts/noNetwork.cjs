// Stands in for `node-fetch` and `sync-fetch` in the bundles (esbuild.mjs aliases them here).
// citation-js's core imports them to download references given as URLs or DOIs; Marginalia only
// formats its own papers, so it never fetches, and the bundles are ~105 KB lighter without them.
'use strict';

class Headers {}

function refuse() {
  throw new Error('Marginalia does not download references: citation-js was asked to fetch a URL.');
}

refuse.Headers = Headers;
module.exports = refuse;
module.exports.Headers = Headers;
