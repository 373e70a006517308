'use strict';
// coursecrew for Node.js: a Promise-based host for libcoursecrew.so (the C ABI
// of include/coursecrew/coursecrew.h), loaded through koffi. See README.md.

const { open, Coursecrew } = require('./lib/instance');
const { CoursecrewError, STATUS_NAMES } = require('./lib/errors');

module.exports = { open, Coursecrew, CoursecrewError, STATUS_NAMES };
