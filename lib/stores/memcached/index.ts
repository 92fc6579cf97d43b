export * from './memcached-session.store';
