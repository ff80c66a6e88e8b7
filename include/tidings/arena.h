#ifndef TIDINGS_ARENA_H
#define TIDINGS_ARENA_H

/*
 * arena: libxml2's memory, taken from a per-thread bump arena while one
 * HTML page is parsed and read.  A page's tree is thousands of small
 * nodes and strings that all die together at xmlFreeDoc; from malloc
 * they cost a sixth of the HTML importer's time (measured with perf:
 * malloc, free and the consolidation of freed blocks), from a bump
 * arena next to nothing, and the whole arena is reset at once.
 *
 * arena_install() points libxml2's allocator (xmlMemSetup) at this
 * module.  Outside a window, and on threads that have none, it is plain
 * malloc, realloc and free.  Between arena_begin() and arena_end() every
 * libxml2 allocation on that thread comes from the thread's arena, and
 * freeing it does nothing; arena_end() takes it all back.  So nothing
 * libxml2 allocated inside a window may be used after it: copy what you
 * keep (xstrdup) and free the parser and the tree before arena_end().
 *
 * The arenas are slices of one address range reserved at install time,
 * so a pointer is recognised as arena memory by its address alone, even
 * after its window ended (libxml2 may free it late; that is a no-op).
 * An allocation that does not fit the thread's slice, or any made when
 * the reservation failed or every slice is taken, falls back to malloc.
 */

/* arena_install: makes libxml2 allocate through this module, then sets
 * up libxml2's shared tables (xmlInitParser) so that no window ever
 * holds them.  Call it in the main thread while no other thread uses
 * libxml2 (import does, before its readers start); what libxml2 had
 * allocated before is still freed right, since anything outside the
 * arenas goes to free().  Calling it again does nothing.  If the address
 * range cannot be reserved, libxml2 keeps using malloc and windows do
 * nothing. */
void arena_install(void);

/* arena_begin: opens a window on this thread (windows do not nest).
 * arena_end: closes it, making every byte allocated in it reusable;
 * memory beyond what a typical page needs is given back to the system. */
void arena_begin(void);
void arena_end(void);

/* arena_used: bytes this thread's open window has handed out so far
 * (0 outside one); for tests. */
unsigned long arena_used(void);

#endif
