export * from './auth';
export * from './catalog';
export * from './inventory_models';
export * from './markets';
export * from './orders';
export * from './returns';
export * from './stock';
export * from './transfers';
