// The value/extern types are part of the public API; see include/nanowasm/types.h.
#pragma once
#include "nanowasm/types.h"
