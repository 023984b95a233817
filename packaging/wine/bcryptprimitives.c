/* A test-only stand-in for Windows' bcryptprimitives.dll, which wine 8 lacks and Go >= 1.24 programs
 * need (the runtime's random numbers come from ProcessPrng). packaging/test-wine.sh builds it with
 * x86_64-w64-mingw32-gcc into the wine prefix's system32. Never shipped: real Windows has the DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, in advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		length -= chunk;
	}
	return TRUE;
}
