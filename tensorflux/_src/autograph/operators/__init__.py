"""The runtime that converted code calls, as `ag__`: control flow, logic, builtins and calls."""

from tensorflux._src.autograph.operators.call import converted_call as converted_call
from tensorflux._src.autograph.operators.control_flow import for_stmt as for_stmt
from tensorflux._src.autograph.operators.control_flow import if_exp as if_exp
from tensorflux._src.autograph.operators.control_flow import if_stmt as if_stmt
from tensorflux._src.autograph.operators.control_flow import while_stmt as while_stmt
from tensorflux._src.autograph.operators.logical import and_ as and_
from tensorflux._src.autograph.operators.logical import not_ as not_
from tensorflux._src.autograph.operators.logical import or_ as or_
from tensorflux._src.autograph.operators.py_builtins import assert_stmt as assert_stmt
from tensorflux._src.autograph.operators.py_builtins import len_ as len_
from tensorflux._src.autograph.operators.py_builtins import print_ as print_
from tensorflux._src.autograph.operators.py_builtins import range_ as range_
from tensorflux._src.autograph.operators.variables import Undefined as Undefined
from tensorflux._src.autograph.operators.variables import (
    UndefinedReturnValue as UndefinedReturnValue,
)
from tensorflux._src.autograph.operators.variables import ld as ld
from tensorflux._src.autograph.operators.variables import retval as retval
