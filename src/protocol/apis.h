/* Every API codec of libkrafka: one header per Kafka API. */
#ifndef KR_PROTOCOL_APIS_H
#define KR_PROTOCOL_APIS_H

#include "protocol/api_apiversions.h"
#include "protocol/api_createpartitions.h"
#include "protocol/api_createtopics.h"
#include "protocol/api_deletetopics.h"
#include "protocol/api_describeconfigs.h"
#include "protocol/api_describegroups.h"
#include "protocol/api_fetch.h"
#include "protocol/api_findcoordinator.h"
#include "protocol/api_heartbeat.h"
#include "protocol/api_initproducerid.h"
#include "protocol/api_joingroup.h"
#include "protocol/api_leavegroup.h"
#include "protocol/api_listgroups.h"
#include "protocol/api_listoffsets.h"
#include "protocol/api_metadata.h"
#include "protocol/api_offsetcommit.h"
#include "protocol/api_offsetfetch.h"
#include "protocol/api_offsetforleaderepoch.h"
#include "protocol/api_produce.h"
#include "protocol/api_saslauthenticate.h"
#include "protocol/api_saslhandshake.h"
#include "protocol/api_syncgroup.h"

#endif
