/** What the core module provides to every module of a service, by injection token. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const DB = Symbol('DB');
export const DATABASE = Symbol('DATABASE');
export const REDIS = Symbol('REDIS');
export const UNIT_OF_WORK = Symbol('UNIT_OF_WORK');
