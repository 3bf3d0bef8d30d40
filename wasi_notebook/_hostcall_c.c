/* The native half of hostcall's fast path: one C trampoline that wasmtime calls for every host
 * function defined through hostcall, instead of a ctypes callback.
 *
 * What it saves, per call (see benchmarks/bench_hostcall.py): ctypes' conversion of the four
 * callback arguments, the Python-level unpacking of the argument slots and packing of the
 * results, and above all the ctypes call to wasmtime_memory_data_size that checks a bound
 * memory has not grown (a plain C call here).
 *
 * The contract is exactly the Python callback's (hostcall._make_callback), which stays the
 * reference: this file only takes the common road and hands everything else to Python:
 *   - a function defined with a bound MemoryBinding gets the cached view of the memory while the
 *     size is unchanged (binding.refresh() otherwise); with an unbound binding, or a memory given
 *     by export name, the whole call goes to the Python callback (``fallback``);
 *   - results that are not plain ints/floats within their type's range go to ``store_results``
 *     (Python), which packs them or raises the error hostcall reports for a bad result;
 *   - an exception becomes a trap through ``trap_for(exc, where)`` (Python), which parks it.
 * Nothing here knows WASI.
 *
 * Lifetime: each definition has an Env, owned by a capsule that hostcall keeps in its registry
 * of live definitions under the Env's address, which is also the ``env`` wasmtime hands back.
 * wasmtime's finalizer (Python) removes the registry entry; the capsule then frees the Env.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_VALUES 32
#define SLOT 16

typedef size_t (*data_size_fn)(void *context, const void *memory);

typedef struct {
    PyObject *func;          /* func(mem?, *args) */
    PyObject *fallback;      /* callback(env, caller, args, nargs) -> trap address (Python path) */
    PyObject *binding;       /* a MemoryBinding, or NULL for a function without memory */
    PyObject *trap_for;      /* trap_for(exc, where) -> trap address */
    PyObject *store_results; /* store_results(r, args address) -> None, or raises */
    PyObject *where;
    int nparams, nresults;
    char params[MAX_VALUES];  /* struct codes: I i Q q f d */
    char results[MAX_VALUES];
} Env;

static data_size_fn data_size = NULL;
static PyObject *str_state = NULL;
static PyObject *str_refresh = NULL;

static PyObject *
arg_value(char code, const unsigned char *slot)
{
    switch (code) {
    case 'I': { uint32_t v; memcpy(&v, slot, 4); return PyLong_FromUnsignedLong(v); }
    case 'i': { int32_t v; memcpy(&v, slot, 4); return PyLong_FromLong(v); }
    case 'Q': { uint64_t v; memcpy(&v, slot, 8); return PyLong_FromUnsignedLongLong(v); }
    case 'q': { int64_t v; memcpy(&v, slot, 8); return PyLong_FromLongLong(v); }
    case 'f': { float v; memcpy(&v, slot, 4); return PyFloat_FromDouble(v); }
    case 'd': { double v; memcpy(&v, slot, 8); return PyFloat_FromDouble(v); }
    }
    PyErr_SetString(PyExc_SystemError, "hostcall: unknown value code");
    return NULL;
}

/* Store one result into its slot: 1 done, 0 not a plain value in range (no error set). */
static int
store_value(char code, PyObject *v, unsigned char *slot)
{
    if (code == 'f' || code == 'd') {
        if (!PyFloat_CheckExact(v))
            return 0;
        double d = PyFloat_AS_DOUBLE(v);
        if (code == 'f') { float f = (float)d; memcpy(slot, &f, 4); }
        else memcpy(slot, &d, 8);
        return 1;
    }
    if (!PyLong_CheckExact(v))
        return 0;
    int overflow = 0;
    long long s = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (s == -1 && PyErr_Occurred()) { PyErr_Clear(); return 0; }
    switch (code) {
    case 'I':
        if (overflow || s < 0 || s > 0xFFFFFFFFLL) return 0;
        { uint32_t u = (uint32_t)s; memcpy(slot, &u, 4); }
        return 1;
    case 'i':
        if (overflow || s < INT32_MIN || s > INT32_MAX) return 0;
        { int32_t i = (int32_t)s; memcpy(slot, &i, 4); }
        return 1;
    case 'q':
        if (overflow) return 0;
        memcpy(slot, &s, 8);
        return 1;
    case 'Q':
        if (overflow == 0) {
            if (s < 0) return 0;
            memcpy(slot, &s, 8);
            return 1;
        }
        if (overflow > 0) {  /* 2**63 .. 2**64-1 */
            unsigned long long u = PyLong_AsUnsignedLongLong(v);
            if (u == (unsigned long long)-1 && PyErr_Occurred()) { PyErr_Clear(); return 0; }
            memcpy(slot, &u, 8);
            return 1;
        }
        return 0;
    }
    return 0;
}

static void *
trap_from_error(Env *env)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    void *trap = NULL;
    PyObject *r = PyObject_CallFunctionObjArgs(env->trap_for, value ? value : Py_None, env->where, NULL);
    if (r != NULL) {
        trap = PyLong_AsVoidPtr(r);
        Py_DECREF(r);
    }
    if (PyErr_Occurred())
        PyErr_Clear();  /* trap_for never raises; if it did, nothing better can be done here */
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return trap;
}

static void *
call_fallback(Env *env, void *caller, void *args, size_t nargs)
{
    PyObject *r = PyObject_CallFunction(env->fallback, "nnnn", (Py_ssize_t)env, (Py_ssize_t)caller,
                                        (Py_ssize_t)args, (Py_ssize_t)nargs);
    if (r == NULL)
        return trap_from_error(env);
    void *trap = r == Py_None ? NULL : PyLong_AsVoidPtr(r);
    Py_DECREF(r);
    if (PyErr_Occurred())
        return trap_from_error(env);
    return trap;
}

/* The memory view for this call (a new reference), NULL with an error set, or Py_None (a new
 * reference) when the binding is not bound and the Python callback must take the call. */
static PyObject *
bound_view(Env *env)
{
    PyObject *state = PyObject_GetAttr(env->binding, str_state);
    if (state == NULL || state == Py_None)
        return state;
    /* state: [context c_void_p, memory c_void_p, size, view, context int, memory int] */
    if (!PyList_CheckExact(state) || PyList_GET_SIZE(state) < 6) {
        Py_DECREF(state);
        PyErr_SetString(PyExc_SystemError, "hostcall: a MemoryBinding's state has the wrong shape");
        return NULL;
    }
    void *context = PyLong_AsVoidPtr(PyList_GET_ITEM(state, 4));
    void *memory = PyLong_AsVoidPtr(PyList_GET_ITEM(state, 5));
    size_t known = PyLong_AsSize_t(PyList_GET_ITEM(state, 2));
    PyObject *view;
    if (PyErr_Occurred()) {
        PyErr_Clear();
        view = PyObject_CallMethodNoArgs(env->binding, str_refresh);
    } else if (data_size(context, memory) == known) {
        view = PyList_GET_ITEM(state, 3);
        Py_INCREF(view);
    } else {
        view = PyObject_CallMethodNoArgs(env->binding, str_refresh);
    }
    Py_DECREF(state);
    return view;
}

static void *
trampoline(void *envp, void *caller, void *args, size_t nargs)
{
    Env *env = (Env *)envp;
    unsigned char *slots = (unsigned char *)args;
    PyGILState_STATE gil = PyGILState_Ensure();
    void *trap = NULL;
    PyObject *stack[MAX_VALUES + 1];
    Py_ssize_t n = 0;
    PyObject *r = NULL;

    if (env->binding != NULL) {
        PyObject *view = bound_view(env);
        if (view == NULL) {
            trap = trap_from_error(env);
            goto done;
        }
        if (view == Py_None) {
            Py_DECREF(view);
            trap = call_fallback(env, caller, args, nargs);
            goto done;
        }
        stack[n++] = view;
    }
    for (int i = 0; i < env->nparams; i++) {
        PyObject *v = arg_value(env->params[i], slots + (size_t)i * SLOT);
        if (v == NULL)
            goto error;
        stack[n++] = v;
    }
    r = PyObject_Vectorcall(env->func, stack, n, NULL);
    if (r == NULL)
        goto error;
    if (env->nresults == 0) {
        if (r != Py_None)
            goto slow_results;
    } else if (env->nresults == 1) {
        if (!store_value(env->results[0], r, slots))
            goto slow_results;
    } else {
        if (!PyTuple_CheckExact(r) || PyTuple_GET_SIZE(r) != env->nresults)
            goto slow_results;
        /* all or nothing: check every value before any slot is written (results overlap args) */
        unsigned char out[MAX_VALUES * SLOT];
        for (int i = 0; i < env->nresults; i++)
            if (!store_value(env->results[i], PyTuple_GET_ITEM(r, i), out + (size_t)i * SLOT))
                goto slow_results;
        memcpy(slots, out, (size_t)env->nresults * SLOT);
    }
    goto done;

slow_results: {
        PyObject *ok = PyObject_CallFunction(env->store_results, "On", r, (Py_ssize_t)args);
        if (ok == NULL)
            goto error;
        Py_DECREF(ok);
        goto done;
    }
error:
    trap = trap_from_error(env);
done:
    Py_XDECREF(r);
    for (Py_ssize_t i = 0; i < n; i++)
        Py_DECREF(stack[i]);
    PyGILState_Release(gil);
    return trap;
}

static void
env_clear(Env *env)
{
    Py_XDECREF(env->func);
    Py_XDECREF(env->fallback);
    Py_XDECREF(env->binding);
    Py_XDECREF(env->trap_for);
    Py_XDECREF(env->store_results);
    Py_XDECREF(env->where);
    PyMem_Free(env);
}

static void
env_free(PyObject *capsule)
{
    Env *env = (Env *)PyCapsule_GetPointer(capsule, "hostcall.env");
    if (env != NULL)
        env_clear(env);
}

static int
copy_codes(const char *codes, Py_ssize_t len, char *out, const char *what)
{
    if (len > MAX_VALUES) {
        PyErr_Format(PyExc_ValueError, "hostcall: at most %d %s", MAX_VALUES, what);
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (!strchr("IiQqfd", codes[i]) || codes[i] == '\0') {
            PyErr_Format(PyExc_ValueError, "hostcall: unknown value code %c", codes[i]);
            return -1;
        }
        out[i] = codes[i];
    }
    return 0;
}

static PyObject *
make_env(PyObject *self, PyObject *a)
{
    PyObject *func, *fallback, *binding, *trap_for, *store_results, *where;
    const char *params, *results;
    Py_ssize_t np, nr;
    if (!PyArg_ParseTuple(a, "OOOOOOs#s#:make_env", &func, &fallback, &binding, &trap_for, &store_results,
                          &where, &params, &np, &results, &nr))
        return NULL;
    Env *env = PyMem_Calloc(1, sizeof(Env));
    if (env == NULL)
        return PyErr_NoMemory();
    if (copy_codes(params, np, env->params, "parameters") < 0 ||
        copy_codes(results, nr, env->results, "results") < 0) {
        PyMem_Free(env);
        return NULL;
    }
    env->nparams = (int)np;
    env->nresults = (int)nr;
    Py_INCREF(func); env->func = func;
    Py_INCREF(fallback); env->fallback = fallback;
    if (binding != Py_None) { Py_INCREF(binding); env->binding = binding; }
    Py_INCREF(trap_for); env->trap_for = trap_for;
    Py_INCREF(store_results); env->store_results = store_results;
    Py_INCREF(where); env->where = where;
    PyObject *capsule = PyCapsule_New(env, "hostcall.env", env_free);
    if (capsule == NULL)
        env_clear(env);
    return capsule;
}

static PyObject *
env_address(PyObject *self, PyObject *capsule)
{
    void *env = PyCapsule_GetPointer(capsule, "hostcall.env");
    if (env == NULL)
        return NULL;
    return PyLong_FromVoidPtr(env);
}

static PyObject *
set_data_size(PyObject *self, PyObject *address)
{
    void *p = PyLong_AsVoidPtr(address);
    if (p == NULL && PyErr_Occurred())
        return NULL;
    data_size = (data_size_fn)p;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"make_env", make_env, METH_VARARGS,
     "make_env(func, fallback, binding, trap_for, store_results, where, params, results) -> capsule"},
    {"env_address", env_address, METH_O, "The address of a capsule's Env: the env wasmtime hands back."},
    {"set_data_size", set_data_size, METH_O, "Give the address of wasmtime_memory_data_size."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hostcall_c",
    "The C trampoline of hostcall's fast path (see hostcall.py and this module's source).", -1, methods,
};

PyMODINIT_FUNC
PyInit__hostcall_c(void)
{
    str_state = PyUnicode_InternFromString("state");
    str_refresh = PyUnicode_InternFromString("refresh");
    if (str_state == NULL || str_refresh == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObject(m, "TRAMPOLINE", PyLong_FromVoidPtr((void *)trampoline)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
