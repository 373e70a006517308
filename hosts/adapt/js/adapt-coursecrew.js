// adapt-coursecrew works at build time only (scripts/postbuild.js, run by the
// framework's `scripts:adaptpostbuild` grunt task). The framework's JavaScript
// compile step needs every extension to name a browser module in bower.json's
// "main": this is it, and it does nothing in the learner's browser.
export default {};
