export * from './auth';
export * from './inventory_models';
export * from './catalog';
export * from './stock';
export * from './markets';
export * from './orders';
export * from './transfers';
export * from './returns';
