/**
 * @peculiar/x509 through one door: it resolves its algorithm providers with tsyringe, which needs the Reflect
 * metadata polyfill loaded first. ESM evaluates imports in order, so importing x509 from here guarantees that.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export { x509 };
