export * from './sign';
export * from './links';
export * from './form';
export * from './page';
export * from './resolution';
