/* libkrafka - partitioners (PLACEHOLDER, being written). */
#ifndef KRAFKA_PARTITIONER_H
#define KRAFKA_PARTITIONER_H
#endif
