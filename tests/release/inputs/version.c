/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel object says of its release, as the kernel lays it out:
 * vmlinux's linux_banner (init/version-timestamp.c) with -DBANNER=...,
 * a module's .modinfo "vermagic=" string with -DVERMAGIC=...
 */
#ifdef BANNER
const char linux_banner[] = "Linux version " BANNER " (builder@host) (gcc 16) #1 SMP\n";
#endif
#ifdef VERMAGIC
__attribute__((section(".modinfo"), used, aligned(1)))
static const char modinfo[] = "license=GPL\0vermagic=" VERMAGIC "\0name=x";
#endif
int version_anchor;
