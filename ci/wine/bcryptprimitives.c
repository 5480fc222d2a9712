/*
 * bcryptprimitives.dll for Wine 8: exports ProcessPrng, which Rust's std imports on
 * Windows (since Rust 1.78) and which Wine 8 does not have. Without it a Rust .exe
 * ends before main with STATUS_DLL_NOT_FOUND (0xC0000135: 53 in the shell's `$?`).
 *
 * Placed beside the .exe, Wine loads this DLL from the application directory.
 * Built by .ci/windows-setup:
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
 *       bcryptprimitives.c bcryptprimitives.def -ladvapi32
 * Test-only: never shipped with cement.
 */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData): fills the buffer; always TRUE. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk)) {
            /* Documented never to fail; a PRNG that did would be unsafe to continue. */
            ExitProcess(0xC0000001);
        }
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
