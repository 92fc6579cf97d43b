// Imported first by the package's entry point, so an unsupported Node.js stops here, with the
// versions named, before NestJS or a store driver fails in a way that names neither.
import { assertSupportedNode } from './utils/supported-node';

assertSupportedNode();
