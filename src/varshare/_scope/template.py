"""``make_template``: wrap a function so that every call shares the first call's variables."""

from __future__ import annotations

import functools
from typing import Any, Callable

from varshare._core.graph import GraphKeys, get_collection, get_collection_ref
from varshare._scope.scopes import (
    VariableScope, _scope_only, _unique_variable_scope, variable_scope)
from varshare.errors import VariableReuseError


class Template:
    """A function whose first call creates variables and whose later calls reuse them.

    Build it with ``make_template``.
    """

    def __init__(self, name: str, func: Callable, create_scope_now: bool = False,
                 unique_name: str | None = None, custom_getter: Callable | None = None) -> None:
        if name is None:
            raise ValueError("name cannot be None.")
        self._name = name
        self._func = func
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._variable_scope: VariableScope | None = None
        if create_scope_now:
            # A scope without a name scope: calls open theirs (name, name_1, ...).
            with _scope_only(unique_name or _unique_variable_scope(name),
                             custom_getter) as scope:
                self._variable_scope = scope
        self._first_call = True  # No call has started.
        self._variables_created = False  # A call has completed.

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._variable_scope is not None:
            with variable_scope(self._variable_scope, reuse=not self._first_call):
                return self._call_func(args, kwargs)
        with variable_scope(self._unique_name, default_name=self._name,
                            custom_getter=self._custom_getter) as scope:
            self._variable_scope = scope
            return self._call_func(args, kwargs)

    def _call_func(self, args: tuple, kwargs: dict) -> Any:
        if not self._first_call:
            trainable = get_collection_ref(GraphKeys.TRAINABLE_VARIABLES)
            count = len(trainable)
            result = self._func(*args, **kwargs)
            if len(trainable) != count:
                raise VariableReuseError(
                    f"Trainable variable created when calling a template after the first "
                    f"time, perhaps you used Variable when you meant get_variable: "
                    f"{trainable[count:]}")
            return result
        self._first_call = False
        try:
            result = self._func(*args, **kwargs)
        except BaseException:
            self._first_call = True
            raise
        self._variables_created = True
        return result

    @property
    def name(self) -> str:
        """The template's name: its variable scope's, made unique."""
        return self._name

    @property
    def func(self) -> Callable:
        """The wrapped function (with the keyword arguments bound by ``make_template``)."""
        return self._func

    @property
    def variable_scope(self) -> VariableScope | None:
        """The template's scope (None until created, at construction or first call)."""
        return self._variable_scope

    var_scope = variable_scope  # The older name.

    @property
    def variable_scope_name(self) -> str | None:
        """The scope name with a trailing '/', so that 'a/' does not match 'ab/'."""
        if self._variable_scope is None:
            return None
        name = self._variable_scope.name
        return name if not name or name.endswith("/") else name + "/"

    def _collection(self, key: str) -> list:
        return get_collection(key, self.variable_scope_name) if self._variables_created else []

    @property
    def global_variables(self) -> list:
        """The global variables created under the template's scope."""
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self) -> list:
        """The local variables created under the template's scope."""
        return self._collection(GraphKeys.LOCAL_VARIABLES)

    @property
    def trainable_variables(self) -> list:
        """The trainable variables created under the template's scope."""
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def non_trainable_variables(self) -> list:
        """The global variables of the template that are not trainable."""
        trainable = set(self.trainable_variables)
        return [v for v in self.global_variables if v not in trainable]

    @property
    def variables(self) -> list:
        """Global then local variables of the template's scope."""
        return self.global_variables + self.local_variables


def make_template(name_: str, func_: Callable, create_scope_now_: bool = False,
                  unique_name_: str | None = None, custom_getter_: Callable | None = None,
                  **kwargs: Any) -> Template:
    """Wrap ``func_`` so that its first call creates variables and later calls share them.

    >>> import numpy as np, varshare as vs
    >>> def scale(x, scalar_name):
    ...     return x * vs.get_variable(scalar_name, [], initializer=np.ones)
    >>> scale_by_y = make_template("scale_by_y", scale, scalar_name="y")
    >>> z, w = scale_by_y(1.0), scale_by_y(2.0)  # Both use "scale_by_y/y:0".

    Args:
      name_: the scope name, made unique (``name_``, ``name__1``, ...).
      func_: the function; it must create its trainable variables with
        ``get_variable`` (a trainable ``Variable`` created after the first call
        raises ValueError).
      create_scope_now_: create the scope now rather than at the first call.
      unique_name_: a scope name used as is instead of ``name_``.
      custom_getter_: a custom getter for the template's scope.
      **kwargs: keyword arguments bound to ``func_``.

    Raises:
      ValueError: if ``name_`` is None.
    """
    if kwargs:
        func_ = functools.update_wrapper(functools.partial(func_, **kwargs), func_)
    return Template(name_, func_, create_scope_now=create_scope_now_,
                    unique_name=unique_name_, custom_getter=custom_getter_)
