/*
 * queue: a ring of (item, weight) slots under one mutex, with one condition
 * variable for each side to wait on.  Invariants: len <= cap, and bytes is
 * the weight of the len items inside; a put waits while the ring is full,
 * or while it is not empty and the new weight would pass max_bytes.
 *
 * A producer waiting for room is woken when the queue is half empty, or
 * when the consumer is about to wait itself, not at every item: waking
 * at every item made a full queue trade each item for a wake-up and a
 * context switch on both sides.  A consumer waiting on an empty queue is
 * woken by the next item: it may be waiting for that very item while the
 * producer goes on to wait for something else (import.c's readers wait
 * for their next file, not only for room).
 */
#include "tidings/queue.h"

#include <pthread.h>
#include <stdlib.h>

#include "tidings/xalloc.h"

struct slot {
    void *item;
    size_t bytes;
};

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t can_put, can_take;
    struct slot *ring;
    size_t cap, head, len;
    size_t bytes, max_bytes;
    int closed, stopped;
    int taker_waits; /* the consumer waits for an item */
};

struct queue *
queue_new(size_t max_items, size_t max_bytes)
{
    struct queue *q = xcalloc(1, sizeof(*q));

    q->ring = xcalloc(max_items, sizeof(*q->ring));
    q->cap = max_items;
    q->max_bytes = max_bytes;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->can_put, NULL);
    pthread_cond_init(&q->can_take, NULL);
    return q;
}

void
queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    pthread_cond_destroy(&q->can_take);
    pthread_cond_destroy(&q->can_put);
    pthread_mutex_destroy(&q->lock);
    free(q->ring);
    free(q);
}

static int
is_full(const struct queue *q, size_t bytes)
{
    return q->len == q->cap || (q->len > 0 && q->bytes + bytes > q->max_bytes);
}

static int
is_half_empty(const struct queue *q)
{
    return q->len * 2 <= q->cap && q->bytes * 2 <= q->max_bytes;
}

int
queue_put(struct queue *q, void *item, size_t bytes)
{
    struct slot *s;
    int rc = -1;

    pthread_mutex_lock(&q->lock);
    while (!q->stopped && is_full(q, bytes)) {
        pthread_cond_signal(&q->can_take);
        pthread_cond_wait(&q->can_put, &q->lock);
    }
    if (!q->stopped) {
        s = &q->ring[(q->head + q->len) % q->cap];
        s->item = item;
        s->bytes = bytes;
        q->len++;
        q->bytes += bytes;
        if (q->taker_waits)
            pthread_cond_signal(&q->can_take);
        rc = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void *
queue_take(struct queue *q)
{
    void *item = NULL;

    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed && !q->stopped) {
        pthread_cond_signal(&q->can_put);
        q->taker_waits = 1;
        pthread_cond_wait(&q->can_take, &q->lock);
        q->taker_waits = 0;
    }
    if (q->len > 0) {
        item = q->ring[q->head].item;
        q->bytes -= q->ring[q->head].bytes;
        q->head = (q->head + 1) % q->cap;
        q->len--;
        if (is_half_empty(q))
            pthread_cond_signal(&q->can_put);
    }
    pthread_mutex_unlock(&q->lock);
    return item;
}

void
queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->can_take);
    pthread_mutex_unlock(&q->lock);
}

void
queue_stop(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->stopped = 1;
    pthread_cond_broadcast(&q->can_put);
    pthread_cond_broadcast(&q->can_take);
    pthread_mutex_unlock(&q->lock);
}
