// One id per `npm test` run: every database and Redis key prefix a test creates carries it,
// so concurrent runs never collide and the teardown can drop what the run left behind.
const { randomBytes } = require('node:crypto');

module.exports = async () => {
  process.env.CICLO_TEST_RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
};
