/* wintool: what packaging/test-wine.sh asks Windows (wine) about. Test-only, built by the test with
 * x86_64-w64-mingw32-gcc, never shipped.
 *   wintool foreground              prints the title of the foreground window
 *   wintool run-registered KEY NAME runs the command line stored in HKCU\KEY, value NAME, exactly as
 *                                   a package manager would (CreateProcess), waits, and exits with its
 *                                   exit code (or 255 when it could not run it)
 *   wintool run-no-std CMDLINE [OUT] runs CMDLINE as cmd.exe runs a GUI program on real Windows: with
 *                                   no console of its own (wine would attach it to this one) and no
 *                                   standard handles but stdout to the file OUT when given (cmd's
 *                                   "> OUT"); waits, and exits with its exit code (or 255) */
#include <windows.h>
#include <stdio.h>

static int foreground(void)
{
	wchar_t title[256] = L"";
	HWND w = GetForegroundWindow();
	if (!w)
		return 1;
	GetWindowTextW(w, title, 256);
	wprintf(L"%ls\n", title);
	return 0;
}

static int run_registered(const wchar_t *key, const wchar_t *name)
{
	wchar_t cmd[4096];
	DWORD size = sizeof(cmd), code = 255;
	STARTUPINFOW si = {sizeof(si)};
	PROCESS_INFORMATION pi;
	if (RegGetValueW(HKEY_CURRENT_USER, key, name, RRF_RT_REG_SZ, NULL, cmd, &size) != ERROR_SUCCESS) {
		fwprintf(stderr, L"no value %ls in HKCU\\%ls\n", name, key);
		return 255;
	}
	wprintf(L"running: %ls\n", cmd);
	fflush(stdout);
	if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
		fwprintf(stderr, L"CreateProcess failed: %lu\n", GetLastError());
		return 255;
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return (int)code;
}

static int run_no_std(wchar_t *cmd, const wchar_t *out)
{
	DWORD code = 255;
	STARTUPINFOW si = {sizeof(si)};
	PROCESS_INFORMATION pi;
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	si.dwFlags = STARTF_USESTDHANDLES; /* NULL unless set here */
	if (out) {
		si.hStdOutput = CreateFileW(out, GENERIC_WRITE, FILE_SHARE_READ, &sa, CREATE_ALWAYS, 0, NULL);
		if (si.hStdOutput == INVALID_HANDLE_VALUE) {
			fwprintf(stderr, L"cannot create %ls: %lu\n", out, GetLastError());
			return 255;
		}
	}
	/* DETACHED_PROCESS: real Windows attaches no console to a GUI program, wine does. */
	if (!CreateProcessW(NULL, cmd, NULL, NULL, out != NULL, DETACHED_PROCESS, NULL, NULL, &si, &pi)) {
		fwprintf(stderr, L"CreateProcess failed: %lu\n", GetLastError());
		return 255;
	}
	if (out)
		CloseHandle(si.hStdOutput);
	WaitForSingleObject(pi.hProcess, INFINITE);
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return (int)code;
}

int wmain(int argc, wchar_t **argv)
{
	if (argc == 2 && !wcscmp(argv[1], L"foreground"))
		return foreground();
	if (argc == 4 && !wcscmp(argv[1], L"run-registered"))
		return run_registered(argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && !wcscmp(argv[1], L"run-no-std"))
		return run_no_std(argv[2], argc == 4 ? argv[3] : NULL);
	fwprintf(stderr, L"usage: wintool foreground | run-registered KEY NAME | run-no-std CMDLINE [OUT]\n");
	return 2;
}
