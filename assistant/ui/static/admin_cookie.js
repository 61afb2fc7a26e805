(token) => {
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  if (token) {
    document.cookie = `${COOKIE_NAME}=${token}; path=/; SameSite=Strict${secure}`;
  } else {
    document.cookie = `${COOKIE_NAME}=; path=/; Max-Age=0; SameSite=Strict${secure}`;
  }
  return [];
}
