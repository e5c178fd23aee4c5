// Filled in by the core issue (#3).
export {};
