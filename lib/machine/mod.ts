/**
 * The machine model shared by FT-Linux and FGFT: topology, memory with ECC, PCI devices, health.
 *
 * @module
 */
export * from "./machine.ts";
export * from "./memory.ts";
export * from "./pci.ts";
export * from "./topology.ts";
