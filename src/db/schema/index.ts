export * from './auth';
export * from './inventory_models';
