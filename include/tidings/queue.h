#ifndef TIDINGS_QUEUE_H
#define TIDINGS_QUEUE_H

/*
 * queue: a bounded hand-off of pointers from a producer to one consumer
 * thread, in order (several producers must take turns under a lock of
 * their own).  It holds at most max_items items and, unless it is empty,
 * at most max_bytes of their declared weight, so a fast producer waits
 * instead of filling memory; an item heavier than max_bytes still passes
 * alone.
 *
 * Either side can end it: the producer closes it after its last item
 * (queue_take then returns NULL once it is empty), the consumer stops it
 * (queue_put then refuses items, and a producer waiting for room wakes).
 * Items left inside at queue_free are not freed: the consumer drains them
 * with queue_take first.
 */

#include <stddef.h>

struct queue;

/* queue_new: an empty, open queue; max_items must be at least 1. */
struct queue *queue_new(size_t max_items, size_t max_bytes);
/* queue_free: frees q (not its items); NULL is fine. */
void queue_free(struct queue *q);

/* queue_put: waits for room, then appends item.  Returns 0, or -1 without
 * taking the item when the queue has been stopped. */
int queue_put(struct queue *q, void *item, size_t bytes);
/* queue_take: waits for an item and returns it; NULL when the queue is
 * closed or stopped and has nothing left. */
void *queue_take(struct queue *q);

/* queue_close: the producer will put nothing more. */
void queue_close(struct queue *q);
/* queue_stop: the consumer wants nothing more; waiting puts return -1. */
void queue_stop(struct queue *q);

#endif
